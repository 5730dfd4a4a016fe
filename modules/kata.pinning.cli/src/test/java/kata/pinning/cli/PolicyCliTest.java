package kata.pinning.cli;

import static kata.pinning.cli.Launcher.kataPinning;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code --policy}, {@code runtime.vcpus_pinning_policy} and how the placement shows in the JSON:
 * the configuration in this JVM, the lifecycle on a real QEMU through the real launcher.
 */
class PolicyCliTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private JsonNode config(String... args) {
        InProcess.Result run = InProcess.run(args);
        assertEquals(KataPinning.OK, run.exitCode(), run::toString);
        return JSON.readTree(run.stdout());
    }

    @Test
    void configReportsThePolicyAndWhichLayerSetIt() throws Exception {
        Path file = Files.writeString(dir.resolve("configuration.toml"), "[runtime]\nvcpus_pinning_policy = \"exact\"\n");
        JsonNode fromFile = config("--json", "--config", file.toString(), "config");
        assertEquals("exact", fromFile.path("policy").stringValue());
        assertEquals("file", fromFile.path("policySource").stringValue());

        Files.createDirectory(dir.resolve("config.d"));
        Files.writeString(dir.resolve("config.d/50-fit.toml"), "[runtime]\nvcpus_pinning_policy = \"fit\"\n");
        JsonNode fromDropIn = config("--json", "--config", file.toString(), "config");
        assertEquals("fit", fromDropIn.path("policy").stringValue());
        assertEquals("drop-in", fromDropIn.path("policySource").stringValue());

        JsonNode fromFlag = config("--json", "--policy", "exact", "--config", file.toString(), "config");
        assertEquals("exact", fromFlag.path("policy").stringValue());
        assertEquals("flag", fromFlag.path("policySource").stringValue());

        Path empty = Files.writeString(Files.createDirectory(dir.resolve("plain")).resolve("configuration.toml"), "[runtime]\n");
        JsonNode byDefault = config("--json", "--config", empty.toString(), "config");
        assertEquals("exact", byDefault.path("policy").stringValue());
        assertEquals("default", byDefault.path("policySource").stringValue());
    }

    @Test
    void aBadPolicyExitsTwoWithOneLineNamingTheKeyAndTheAllowedValues() throws Exception {
        InProcess.Result flag = InProcess.run("--policy", "best", "cpuset", "1");
        assertEquals(KataPinning.BAD_INPUT, flag.exitCode(), flag::toString);
        assertEquals(1, flag.stderr().lines().count(), flag::toString);
        assertTrue(flag.stderr().contains("--policy") && flag.stderr().contains("must be \"exact\" or \"fit\", not \"best\""),
                flag::toString);

        Path file = Files.writeString(dir.resolve("configuration.toml"), "[runtime]\nvcpus_pinning_policy = \"Fit\"\n");
        InProcess.Result toml = InProcess.run("--config", file.toString(), "config");
        assertEquals(KataPinning.BAD_INPUT, toml.exitCode(), toml::toString);
        assertEquals(1, toml.stderr().lines().count(), toml::toString);
        assertTrue(toml.stderr().contains("runtime.vcpus_pinning_policy: must be \"exact\" or \"fit\""), toml::toString);
    }

    @Test
    void aFitSandboxPinsWhatFitsAndKeepsItsPolicyAcrossInvocations() throws Exception {
        try (LiveVm vm = LiveVm.start(dir)) {
            CpuSet two = vm.twoCpus();
            String low = Integer.toString(two.first());
            JsonNode started = kataPinning(vm.args("--json", "--policy", "fit", "vm-started")).json();
            assertEquals("fit", started.path("policy").stringValue());

            // A later invocation's --policy does not change the sandbox: the state file keeps its policy.
            JsonNode both = kataPinning(vm.args("--json", "--policy", "exact", "container", "add", "c1", "--cpus", two.toString())).json();
            assertEquals("fit", both.path("policy").stringValue());
            assertEquals("pinned", both.path("decision").stringValue());
            for (JsonNode vcpu : both.path("vcpus")) {
                assertTrue(vcpu.path("pinned").booleanValue(), vcpu::toString);
                assertTrue(vcpu.path("node").isNull(), vcpu::toString);
            }

            JsonNode one = kataPinning(vm.args("--json", "container", "update", "c1", "--cpus", low)).json();
            assertEquals("pinned", one.path("decision").stringValue());
            assertTrue(one.path("pinned").booleanValue(), one::toString);
            assertEquals("2 vCPUs for 1 CPU (" + low + "): 1 pinned, 1 on the union", one.path("reason").stringValue());
            List<Integer> tids = one.path("vcpus").valueStream().map(v -> v.path("threadId").intValue()).toList();
            assertEquals(List.of(CpuSet.parse(low), CpuSet.parse(low)), vm.allowedCpus(tids));
        }
    }

    @Test
    void withNumaTheHostNodesComeFromSysfsUnderTheGivenRoot() throws Exception {
        try (LiveVm vm = LiveVm.start(dir)) {
            CpuSet two = vm.twoCpus();
            Path numa = Files.writeString(Files.createDirectory(dir.resolve("numa")).resolve("configuration.toml"),
                    "[runtime]\nenable_vcpus_pinning = true\n[hypervisor.qemu]\ndefault_vcpus = 2\nenable_numa = true\n");
            Path state = dir.resolve("numa-state.json");
            List<String> args = List.of("--qmp", vm.qemu.qmpSocket().toString(), "--pid", Long.toString(vm.qemu.pid()),
                    "--config", numa.toString(), "--state", state.toString());

            Path missing = dir.resolve("no-sysfs");
            Launcher.Result bad = kataPinning(with(args, "--sysfs", missing.toString(), "vm-started"))
                    .assertFailure(KataPinning.BAD_INPUT);
            assertTrue(bad.stderr().contains("--sysfs " + missing + ": no such sysfs file"), bad::toString);
            assertTrue(Files.notExists(state), "nothing was persisted");

            // Two host nodes of one CPU each: QEMU reports no guest nodes, so vCPU i goes to node i.
            Path sysfs = dir.resolve("sys");
            write(sysfs.resolve("devices/system/cpu/online"), two.toString());
            write(sysfs.resolve("devices/system/cpu/possible"), two.toString());
            write(sysfs.resolve("devices/system/node/online"), "0-1");
            write(sysfs.resolve("devices/system/node/node0/cpulist"), Integer.toString(two.first()));
            write(sysfs.resolve("devices/system/node/node1/cpulist"), Integer.toString(two.last()));
            JsonNode started = kataPinning(with(args, "--json", "--sysfs", sysfs.toString(), "vm-started")).json();
            assertEquals("reset", started.path("decision").stringValue(), started::toString);
            List<Integer> tids = started.path("vcpus").valueStream().map(v -> v.path("threadId").intValue()).toList();
            assertEquals(List.of(CpuSet.of(two.first()), CpuSet.of(two.last())), vm.allowedCpus(tids),
                    "with no cpuset, each vCPU on its node's host CPUs");

            // A later command reads the nodes again: a bad --sysfs is named, not taken for a bad state file.
            String before = Files.readString(state);
            Launcher.Result later = kataPinning(with(args, "--sysfs", missing.toString(), "container", "add", "c1",
                    "--cpus", two.toString())).assertFailure(KataPinning.BAD_INPUT);
            assertTrue(later.stderr().contains("--sysfs " + missing + ": no such sysfs file"), later::toString);
            assertEquals(before, Files.readString(state), "the state file is left as it was");
        }
    }

    private static String[] with(List<String> global, String... more) {
        List<String> args = new ArrayList<>(global);
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text + "\n");
    }
}
