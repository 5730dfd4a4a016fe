package kata.pinning.cli;

import static kata.pinning.cli.Launcher.kataPinning;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kata.pinning.cpuset.CpuSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The lifecycle commands against a real QEMU, one launcher process per step as a runtime would run
 * them, with the state file carrying the sandbox from one step to the next. Every affinity is
 * checked in {@code /proc}, not only in the command's output. Each run is repeated for every way of
 * finding the vCPU threads, over QMP and by name.
 */
class LifecycleLauncherTest {

    /**
     * One run of the lifecycle: a placement policy and how the vCPU threads are found.
     *
     * @param policy the placement policy; {@code exact}, the default, adds no option
     * @param source how the commands find QEMU's vCPU threads
     */
    record Run(String policy, LiveVm.Source source) {

        String[] args(String... command) {
            String[] withPolicy = policy.equals("exact") ? command
                    : Stream.concat(Stream.of("--policy", policy), Stream.of(command)).toArray(String[]::new);
            return vm.args(source, withPolicy);
        }

        boolean fit() {
            return policy.equals("fit");
        }
    }

    /** Every run: each policy with each way of finding the vCPU threads. */
    static Stream<Arguments> runs() {
        return Stream.of(
                Arguments.argumentSet("exact, over QMP", new Run("exact", LiveVm.Source.QMP)),
                Arguments.argumentSet("exact, by thread names", new Run("exact", LiveVm.Source.THREAD_NAMES)),
                Arguments.argumentSet("fit, over QMP", new Run("fit", LiveVm.Source.QMP)),
                Arguments.argumentSet("fit, by thread names", new Run("fit", LiveVm.Source.THREAD_NAMES)));
    }

    private static final List<String> STATUS_FIELDS =
            List.of("enabled", "policy", "pinned", "cpuset", "decision", "reason", "vcpus", "containers");

    @TempDir
    static Path dir;
    static LiveVm vm;

    @BeforeAll
    static void boot() throws IOException {
        vm = LiveVm.start(dir);
    }

    @AfterAll
    static void stop() {
        if (vm != null) {
            vm.close();
        }
    }

    @AfterEach
    void newSandboxForTheNextRun() throws IOException {
        Files.deleteIfExists(vm.state);
    }

    @ParameterizedTest
    @MethodSource("runs")
    void aSandboxIsPinnedResetAndPinnedAgainAcrossInvocations(Run run) throws Exception {
        CpuSet two = vm.twoCpus();
        String low = Integer.toString(two.first());

        JsonNode started = kataPinning(run.args("--json", "vm-started")).json();
        assertEquals(STATUS_FIELDS, List.copyOf(started.propertyNames()));
        assertEquals("skipped", started.path("decision").stringValue());
        assertTrue(started.path("enabled").booleanValue());
        assertEquals(LiveVm.VCPUS, started.path("vcpus").size());
        assertTrue(Files.exists(vm.state));
        List<Integer> tids = started.path("vcpus").valueStream().map(v -> v.path("threadId").intValue()).toList();

        JsonNode pinned = kataPinning(run.args("--json", "container", "add", "c1", "--cpus", two.toString())).json();
        assertEquals("pinned", pinned.path("decision").stringValue());
        assertTrue(pinned.path("pinned").booleanValue());
        assertEquals(two.toString(), pinned.path("cpuset").stringValue());
        for (int i = 0; i < LiveVm.VCPUS; i++) {
            assertEquals(CpuSet.of(two.nth(i)), vm.allowedCpus(tids.get(i)), "vCPU " + i + " in /proc");
            JsonNode vcpu = pinned.path("vcpus").get(i);
            assertEquals(List.of("index", "threadId", "node", "affinity", "pinned"), List.copyOf(vcpu.propertyNames()));
            assertEquals(Integer.toString(two.nth(i)), vcpu.path("affinity").stringValue());
        }

        JsonNode status = kataPinning(run.args("--json", "status")).json();
        assertEquals(STATUS_FIELDS, List.copyOf(status.propertyNames()));
        assertEquals("pinned", status.path("decision").stringValue(), "the last decision survives the restart");
        assertEquals(pinned.path("reason"), status.path("reason"));
        assertEquals(two.toString(), status.path("containers").path("c1").path("cpus").stringValue());

        // Two vCPUs on one CPU: exact resets both to it; fit pins vCPU 0 there and gives vCPU 1 the union.
        JsonNode narrowed = kataPinning(run.args("--json", "container", "update", "c1", "--cpus", low)).json();
        assertEquals(run.policy(), narrowed.path("policy").stringValue());
        assertEquals(run.fit() ? "pinned" : "reset", narrowed.path("decision").stringValue());
        // The union is vCPU 0's CPU too, so in the kernel's view neither vCPU has a CPU of its own.
        assertFalse(narrowed.path("vcpus").get(0).path("pinned").booleanValue(), narrowed::toString);
        assertFalse(narrowed.path("vcpus").get(1).path("pinned").booleanValue(), narrowed::toString);
        if (run.fit()) {
            assertTrue(narrowed.path("reason").stringValue().endsWith(": 1 pinned, 1 on the union"), narrowed::toString);
        }
        for (int tid : tids) {
            assertEquals(CpuSet.of(two.first()), vm.allowedCpus(tid));
        }

        Path oci = Files.writeString(dir.resolve("config.json"),
                "{\"ociVersion\":\"1.1.0\",\"linux\":{\"resources\":{\"cpu\":{\"cpus\":\"" + two + "\",\"mems\":\"0\"}}}}");
        JsonNode fromOci = kataPinning(run.args("--json", "container", "update", "c1", "--oci", oci.toString())).json();
        assertEquals("pinned", fromOci.path("decision").stringValue());
        assertEquals("0", fromOci.path("containers").path("c1").path("mems").stringValue());
        assertEquals(CpuSet.of(two.nth(1)), vm.allowedCpus(tids.get(1)));

        Launcher.Result overlapping = kataPinning(run.args("container", "add", "c2", "--cpus", low));
        assertEquals(KataPinning.OK, overlapping.exitCode(), overlapping::toString);
        assertTrue(overlapping.stdout().contains("decision: unchanged ("), overlapping::toString);

        kataPinning(run.args("container", "delete", "c1")).assertSuccess();
        JsonNode deleted = kataPinning(run.args("--json", "container", "delete", "c2")).json();
        assertEquals("reset", deleted.path("decision").stringValue());
        assertTrue(deleted.path("containers").isEmpty());
        for (int tid : tids) {
            assertEquals(vm.qemuAffinity(), vm.allowedCpus(tid), "back to QEMU's own affinity");
        }

        JsonNode saved = JsonMapper.builder().build().readTree(Files.readString(vm.state));
        assertEquals("reset", saved.path("decision").stringValue());
        assertEquals("qemu", saved.path("vmm").stringValue());
        assertTrue(saved.path("sandbox").path("containers").isEmpty());
    }

    @Test
    void inspectShowsEachVcpuThreadAndItsAffinityAndHowTheyWereFound() throws Exception {
        String pid = Long.toString(vm.qemu.pid());
        JsonNode overQmp = kataPinning("--json", "--qmp", vm.qemu.qmpSocket().toString(), "--pid", pid, "inspect").json();
        assertEquals(List.of("vmm", "source", "policy", "vcpus"), List.copyOf(overQmp.propertyNames()));
        assertEquals("qemu", overQmp.path("vmm").stringValue());
        assertEquals("qmp", overQmp.path("source").stringValue());
        assertEquals(LiveVm.VCPUS, overQmp.path("vcpus").size());
        for (JsonNode vcpu : overQmp.path("vcpus")) {
            assertEquals(vm.allowedCpus(vcpu.path("threadId").intValue()).toString(), vcpu.path("affinity").stringValue());
        }
        JsonNode byName = kataPinning("--json", "--vmm", "qemu", "--pid", pid, "inspect").json();
        assertEquals("thread-names", byName.path("source").stringValue());
        assertEquals(overQmp.path("vcpus"), byName.path("vcpus"), "the same vCPUs, threads and affinities");

        Launcher.Result text = kataPinning("--pid", pid, "inspect");
        assertTrue(text.stdout().startsWith("vmm: qemu (pid " + pid + "), source: thread-names\nvCPU   thread     allowed CPUs\n0 "),
                text::toString);
    }
}
