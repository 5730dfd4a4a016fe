package kata.pinning.cli;

import static kata.pinning.cli.Launcher.kataPinning;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kata.pinning.testing.NamedThreads;
import kata.pinning.testing.QemuVm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code discover} through the launcher, against a real QEMU with and one without debug-threads and
 * processes that carry the other VMMs' executable and thread names.
 */
class DiscoverLauncherTest {

    @TempDir
    Path dir;

    @Test
    void findsEachSandboxVmmWithItsKindAndVcpuCount() throws Exception {
        try (QemuVm named = QemuVm.start(Files.createDirectory(dir.resolve("q1")), 2, 3, "-name", "sandbox-d1,debug-threads=on");
             QemuVm plain = QemuVm.start(Files.createDirectory(dir.resolve("q2")), 1, 2);
             NamedThreads clh = NamedThreads.start(dir, "cloud-hypervisor", List.of("vcpu0", "vcpu1", "vcpu_x"), List.of(),
                     "--api-socket", "/run/vc/vm/clh1/clh-api.sock");
             NamedThreads fc = NamedThreads.start(dir, "firecracker", List.of("fc_vcpu 0"), List.of(), "--id", "fc1");
             NamedThreads openvmm = NamedThreads.start(dir, "openvmm", List.of("vp-0", "vp-1", "vp-2"), List.of());
             NamedThreads dragonball = NamedThreads.start(dir, "containerd-shim-kata-v2", List.of("db_vcpu0", "db_vcpu1"),
                     List.of(), "-id", "db1");
             NamedThreads shimOfAnotherVmm = NamedThreads.start(dir, "containerd-shim-kata-v2", List.of("vcpu0"), List.of())) {
            JsonNode discovery = kataPinning("--json", "discover").json();
            assertEquals(List.of("vmms"), List.copyOf(discovery.propertyNames()));
            Map<Integer, JsonNode> byPid = new HashMap<>();
            discovery.path("vmms").forEach(vmm -> byPid.put(vmm.path("pid").intValue(), vmm));

            assertFound(byPid.get((int) named.pid()), "qemu", "d1", 2, "thread-names");
            JsonNode qmpOnly = byPid.get((int) plain.pid());
            assertEquals("qemu", qmpOnly.path("kind").stringValue());
            assertTrue(qmpOnly.path("vcpus").isNull(), qmpOnly::toString);
            assertEquals("QMP socket " + plain.qmpSocket(), qmpOnly.path("vcpusFrom").stringValue());
            assertEquals(plain.qmpSocket().toString(), qmpOnly.path("qmp").stringValue());
            assertFound(byPid.get(clh.pid()), "cloud-hypervisor", "clh1", 2, "thread-names");
            assertFound(byPid.get(fc.pid()), "firecracker", "fc1", 1, "thread-names");
            assertFound(byPid.get(openvmm.pid()), "openvmm", null, 3, "thread-names");
            assertFound(byPid.get(dragonball.pid()), "dragonball", "db1", 2, "thread-names");
            assertFalse(byPid.containsKey(shimOfAnotherVmm.pid()), "a shim without db_vcpu threads is no Dragonball VMM");

            assertEquals(discovery.path("vmms").size(), kataPinning("discover", "--json").json().path("vmms").size());
            Launcher.Result text = kataPinning("discover").assertSuccess();
            assertTrue(text.stdout().lines().anyMatch(line -> line.startsWith(clh.pid() + " ") && line.contains("cloud-hypervisor")
                    && line.contains("clh1")), text::toString);
        }
    }

    @Test
    void qemuWithoutDebugThreadsOrQmpFailsWithOneLineThatSaysWhatToDo() throws Exception {
        try (QemuVm plain = QemuVm.start(dir, 1, 1)) {
            Launcher.Result byName = kataPinning("--pid", Long.toString(plain.pid()), "--vcpu-source", "thread-names",
                    "inspect").assertFailure(KataPinning.FAILED);
            assertEquals("kata-pinning: qemu pid " + plain.pid() + " has no threads named 'CPU <N>/<accel>': "
                    + "start QEMU with -name <name>,debug-threads=on, or give --qmp PATH", byName.stderr().strip());

            // auto tries the names, then the kernel; a paused or TCG QEMU has no vCPU in KVM_RUN either
            Launcher.Result auto = kataPinning("--pid", Long.toString(plain.pid()), "inspect").assertFailure(KataPinning.FAILED);
            String line = auto.stderr().strip();
            assertEquals(1, line.lines().count(), line);
            assertTrue(line.startsWith("kata-pinning: qemu pid " + plain.pid() + ": no vCPU source finds its vCPU threads; "
                    + "thread-names: qemu pid " + plain.pid() + " has no threads named 'CPU <N>/<accel>'"), line);
            assertTrue(line.contains("; kvm: "), line);
        }
    }

    private static void assertFound(JsonNode vmm, String kind, String sandbox, int vcpus, String from) {
        assertTrue(vmm != null, kind + " not found");
        assertEquals(List.of("pid", "kind", "sandbox", "vcpus", "vcpusFrom", "qmp"), List.copyOf(vmm.propertyNames()));
        assertEquals(kind, vmm.path("kind").stringValue(), vmm::toString);
        assertEquals(sandbox, vmm.path("sandbox").isNull() ? null : vmm.path("sandbox").stringValue(), vmm::toString);
        assertEquals(vcpus, vmm.path("vcpus").intValue(), vmm::toString);
        assertEquals(from, vmm.path("vcpusFrom").stringValue(), vmm::toString);
    }
}
