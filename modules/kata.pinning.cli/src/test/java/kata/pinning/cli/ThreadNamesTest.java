package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kata.pinning.VmmKind;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.testing.NamedThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * The commands on VMMs found by their vCPU threads' names, against a real process whose threads
 * carry each VMM's names and decoys; every affinity is checked in {@code /proc}.
 */
class ThreadNamesTest {

    @TempDir
    Path dir;

    /** The name {@code kind} gives vCPU {@code index}. */
    static String nameOf(VmmKind kind, int index) {
        return kind.threadName().replace("<N>", Integer.toString(index)).replace("<accel>", "KVM");
    }

    /** Names that start like {@code kind}'s vCPU names but are none. */
    static List<String> decoysOf(VmmKind kind) {
        String prefix = nameOf(kind, 0).substring(0, nameOf(kind, 0).length() - 1);
        return List.of(prefix + "_x", prefix + "X", nameOf(kind, 12) + "abc", prefix + "01");
    }

    @ParameterizedTest
    @EnumSource(value = VmmKind.class, names = "QEMU", mode = EnumSource.Mode.EXCLUDE)
    void pinsExactlyTheVcpuThreadsAndNeverADecoy(VmmKind kind) throws Exception {
        List<String> names = new ArrayList<>(List.of(nameOf(kind, 0), nameOf(kind, 1)));
        names.addAll(decoysOf(kind));
        try (NamedThreads vmm = NamedThreads.start(dir, kind.cliName(), names, List.of())) {
            CpuSet all = LiveVm.allowedCpus(vmm.pid(), vmm.pid());
            assumeTrue(all.size() >= 2, "needs two CPUs");
            CpuSet two = CpuSet.of(all.nth(0), all.nth(1));
            List<String> args = List.of("--vmm", kind.cliName(), "--pid", Integer.toString(vmm.pid()),
                    "--config", config(kind).toString(), "--state", dir.resolve("state.json").toString());

            JsonNode started = json(run(args, "--json", "vm-started"));
            assertEquals(List.of(vmm.tid(nameOf(kind, 0)), vmm.tid(nameOf(kind, 1))),
                    started.path("vcpus").valueStream().map(v -> v.path("threadId").intValue()).toList());
            JsonNode pinned = json(run(args, "--json", "container", "add", "c1", "--cpus", two.toString()));

            assertEquals("pinned", pinned.path("decision").stringValue());
            for (int i = 0; i < 2; i++) {
                assertEquals(CpuSet.of(two.nth(i)), LiveVm.allowedCpus(vmm.pid(), vmm.tid(nameOf(kind, i))), "vCPU " + i);
            }
            for (String decoy : decoysOf(kind)) {
                assertEquals(all, LiveVm.allowedCpus(vmm.pid(), vmm.tid(decoy)), decoy + " was touched");
            }
            JsonNode state = Output.JSON.readTree(Files.readString(dir.resolve("state.json")));
            assertEquals(kind.cliName(), state.path("vmm").stringValue());
            assertEquals("thread-names", state.path("source").stringValue(), "the state file records the source used");

            JsonNode inspection = json(InProcess.run("--json", "--vmm", kind.cliName(), "--pid", Integer.toString(vmm.pid()), "inspect"));
            assertEquals(kind.cliName(), inspection.path("vmm").stringValue());
            assertEquals("thread-names", inspection.path("source").stringValue());
            assertEquals(two.nth(1), Integer.parseInt(inspection.path("vcpus").get(1).path("affinity").stringValue()));
        }
    }

    @Test
    void aStateFileOfAnotherVmmIsRefusedAndStaysAsItIs() throws Exception {
        try (NamedThreads vmm = NamedThreads.start(dir, "cloud-hypervisor", List.of("vcpu0", "vcpu1"), List.of())) {
            Path state = dir.resolve("state.json");
            List<String> args = List.of("--pid", Integer.toString(vmm.pid()), "--config", config(VmmKind.CLOUD_HYPERVISOR).toString(),
                    "--state", state.toString());
            json(run(withVmm("cloud-hypervisor", args), "--json", "vm-started"));
            byte[] before = Files.readAllBytes(state);

            InProcess.Result other = run(withVmm("firecracker", args), "container", "add", "c1", "--cpus", "0");
            assertEquals(KataPinning.BAD_INPUT, other.exitCode(), other::toString);
            assertEquals("kata-pinning: the state file " + state + " is of a cloud-hypervisor sandbox, not firecracker: "
                    + "give --vmm cloud-hypervisor, or a new --state file", other.stderr().strip());
            InProcess.Result qemuByDefault = run(args, "status");
            assertEquals(KataPinning.BAD_INPUT, qemuByDefault.exitCode(), qemuByDefault::toString);
            assertArrayEquals(before, Files.readAllBytes(state));
        }
    }

    @Test
    void twoThreadsClaimingOneIndexFailWithOneLineNamingBoth() throws Exception {
        try (NamedThreads vmm = NamedThreads.start(dir, "dragonball", List.of("db_vcpu0", "db_vcpu1", "db_vcpu1"), List.of())) {
            List<Integer> both = vmm.tids().get("db_vcpu1");
            InProcess.Result collision = InProcess.run("--vmm", "dragonball", "--pid", Integer.toString(vmm.pid()), "inspect");
            assertEquals(KataPinning.FAILED, collision.exitCode(), collision::toString);
            assertEquals(1, collision.stderr().lines().count(), collision::toString);
            assertTrue(collision.stderr().contains("two threads claim vCPU 1: " + both.stream().sorted().map(String::valueOf)
                    .reduce((a, b) -> a + " (db_vcpu1) and " + b).orElseThrow() + " (db_vcpu1)"), collision::toString);
        }
    }

    @Test
    void aProcessWithoutVcpuThreadsOfTheKindFailsWithOneLine() throws Exception {
        try (NamedThreads vmm = NamedThreads.start(dir, "openvmm", List.of("vcpu0"), List.of())) {
            InProcess.Result wrongKind = InProcess.run("--vmm", "openvmm", "--pid", Integer.toString(vmm.pid()),
                    "--vcpu-source", "thread-names", "inspect");
            assertEquals(KataPinning.FAILED, wrongKind.exitCode(), wrongKind::toString);
            assertEquals("kata-pinning: openvmm pid " + vmm.pid() + " has no threads named 'vp-<N>': "
                    + "check --pid, and --vmm (qemu|cloud-hypervisor|firecracker|dragonball|openvmm)", wrongKind.stderr().strip());

            // auto goes on to the kernel, which finds no kvm-vcpu fd in a process that is no VM
            InProcess.Result auto = InProcess.run("--vmm", "openvmm", "--pid", Integer.toString(vmm.pid()), "inspect");
            assertEquals(KataPinning.FAILED, auto.exitCode(), auto::toString);
            assertEquals(1, auto.stderr().strip().lines().count(), auto::toString);
            assertTrue(auto.stderr().contains("has no threads named 'vp-<N>'") && auto.stderr().contains("; kvm: "),
                    auto::toString);
        }
    }

    private Path config(VmmKind kind) throws IOException {
        return Files.writeString(dir.resolve("configuration.toml"),
                "[runtime]\nenable_vcpus_pinning = true\n[hypervisor." + kind.cliName() + "]\ndefault_vcpus = 2\n");
    }

    private static List<String> withVmm(String kind, List<String> args) {
        List<String> all = new ArrayList<>(List.of("--vmm", kind));
        all.addAll(args);
        return all;
    }

    private static InProcess.Result run(List<String> options, String... command) {
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of(command));
        return InProcess.run(args.toArray(String[]::new));
    }

    private static JsonNode json(InProcess.Result result) {
        assertEquals(KataPinning.OK, result.exitCode(), result::toString);
        return Output.JSON.readTree(result.stdout());
    }
}
