package kata.pinning.cli;

import static kata.pinning.cli.Launcher.kataPinning;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kata.pinning.launcher.QemuLauncher;
import kata.pinning.testing.NamedThreads;
import kata.pinning.testing.QemuVm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code discover} through the launcher, against a real QEMU with and one without debug-threads (under
 * TCG, counted from its {@code -smp}), a running KVM QEMU where KVM works, and processes that carry
 * the other VMMs' executable and thread names.
 */
class DiscoverLauncherTest {

    @TempDir
    Path dir;

    @Test
    void findsEachSandboxVmmWithItsKindAndVcpuCount() throws Exception {
        try (QemuVm named = QemuVm.start(Files.createDirectory(dir.resolve("q1")), 2, 3, "-name", "sandbox-d1,debug-threads=on");
             QemuVm plain = QemuVm.start(QemuLauncher.builder(Files.createDirectory(dir.resolve("q2")))
                     .vcpus(1, 2).forcedAccelerator("tcg").build());
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

            // Under KVM the kvm-vcpu fds count first; under TCG the names do.
            assertFound(byPid.get((int) named.pid()), "qemu", "d1", 2, named.accelerator() == QemuVm.Accelerator.KVM ? "kvm" : "thread-names");
            JsonNode tcg = byPid.get((int) plain.pid());
            assertFound(tcg, "qemu", null, 1, "command line"); // no debug-threads, no KVM: its -smp 1,maxcpus=2
            assertEquals(plain.qmpSocket().toString(), tcg.path("qmp").stringValue());
            assertFound(byPid.get(clh.pid()), "cloud-hypervisor", "clh1", 2, "thread-names");
            assertFound(byPid.get(fc.pid()), "firecracker", "fc1", 1, "thread-names");
            assertFound(byPid.get(openvmm.pid()), "openvmm", null, 3, "thread-names");
            assertFound(byPid.get(dragonball.pid()), "dragonball", "db1", 2, "thread-names");
            assertFalse(byPid.containsKey(shimOfAnotherVmm.pid()), "a shim without db_vcpu threads is no Dragonball VMM");

            // The subcommand's own --json gives the same document; other VMMs on the host may come and go meanwhile.
            List<Integer> again = new ArrayList<>();
            kataPinning("discover", "--json").json().path("vmms").forEach(vmm -> again.add(vmm.path("pid").intValue()));
            assertTrue(again.containsAll(List.of((int) named.pid(), (int) plain.pid(), clh.pid(), fc.pid(), openvmm.pid(),
                    dragonball.pid())), again::toString);
            Launcher.Result text = kataPinning("discover").assertSuccess();
            assertTrue(text.stdout().lines().anyMatch(line -> line.startsWith(clh.pid() + " ") && line.contains("cloud-hypervisor")
                    && line.contains("clh1")), text::toString);
        }
    }

    @Test
    void aRunningKvmQemuIsCountedFromItsKvmVcpuFds() throws Exception {
        assumeTrue(QemuLauncher.kvmUsable(), "no usable KVM: /dev/kvm does not open for reading and writing");
        try (QemuVm kvm = QemuVm.startRunning(dir, 3, 4)) {
            assumeTrue(kvm.accelerator() == QemuVm.Accelerator.KVM, "QEMU did not start under KVM: " + kvm.fallbackLines());
            JsonNode discovery = kataPinning("--json", "discover").json();
            JsonNode found = null;
            for (JsonNode vmm : discovery.path("vmms")) {
                found = vmm.path("pid").intValue() == kvm.pid() ? vmm : found;
            }
            assertFound(found, "qemu", null, 3, "kvm");
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

            // Asked for by name, the kernel's source says why it cannot work here, in one line.
            Launcher.Result kvm = kataPinning("--pid", Long.toString(plain.pid()), "--vcpu-source", "kvm", "inspect")
                    .assertFailure(KataPinning.FAILED);
            assertEquals("kata-pinning: qemu pid " + plain.pid() + " has no KVM vCPU (no anon_inode:kvm-vcpu fd): it runs "
                    + "without KVM, under TCG perhaps; find its vCPUs over QMP or by thread names instead", kvm.stderr().strip());

            // qmp needs its socket; an unknown source is bad input naming the accepted ones.
            Launcher.Result qmp = kataPinning("--pid", Long.toString(plain.pid()), "--vcpu-source", "qmp", "inspect")
                    .assertFailure(KataPinning.BAD_INPUT);
            assertTrue(qmp.stderr().contains("--vcpu-source qmp needs QEMU's socket: give --qmp PATH"), qmp::toString);
            Launcher.Result unknown = kataPinning("--pid", Long.toString(plain.pid()), "--vcpu-source", "names", "inspect")
                    .assertFailure(KataPinning.BAD_INPUT);
            assertTrue(unknown.stderr().contains("unknown vCPU source 'names': expected one of auto|qmp|thread-names|kvm"),
                    unknown::toString);

            // auto with --qmp takes QMP, and inspect says so.
            JsonNode overQmp = kataPinning("--json", "--qmp", plain.qmpSocket().toString(), "--pid", Long.toString(plain.pid()),
                    "inspect").assertSuccess().json();
            assertEquals("qmp", overQmp.path("source").stringValue(), overQmp::toString);
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
