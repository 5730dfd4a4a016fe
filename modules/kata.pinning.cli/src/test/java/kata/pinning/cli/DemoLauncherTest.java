package kata.pinning.cli;

import static kata.pinning.cli.Launcher.kataPinning;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import kata.pinning.affinity.LinuxThreads;
import kata.pinning.cli.demo.Demo;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.testing.QemuVm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code demo} in both modes, through the launcher: the decisions of each step, the affinities the
 * kernel reported for them, and that nothing is left behind.
 */
class DemoLauncherTest {

    /** The decisions with two CPUs or more: the lower half alone, both halves, a shrink, hot-plug, deletes. */
    private static final List<String> DECISIONS =
            List.of("skipped", "skipped", "pinned", "reset", "pinned", "reset", "reset", "reset");

    @Test
    void embeddedDemoPinsAndResetsRealThreadsOfItsOwnProcess() throws Exception {
        JsonNode run = demo("--embedded");
        assertEquals("embedded", run.path("vmm").stringValue());
        assertDecisionsMatchTheKernel(run);
    }

    @Test
    void qemuDemoPinsAndResetsQemuThreads() throws Exception {
        QemuVm.assumeQemu();
        JsonNode run = demo("--qemu");
        assertEquals("qemu", run.path("vmm").stringValue());
        assertDecisionsMatchTheKernel(run);
        long pid = pidOf(run.path("description").stringValue());
        assertTrue(ProcessHandle.of(pid).isEmpty(), "QEMU " + pid + " still runs");
    }

    @Test
    void withoutAModeTheDemoPrefersQemuAndPrintsATablePerStep() throws Exception {
        Set<Path> before = demoDirs();
        Launcher.Result text = kataPinning("demo").assertSuccess();
        String vmm = QemuVm.findQemu().isPresent() ? "QEMU (" : "the embedded VMM (";
        assertTrue(text.stdout().startsWith("kata-pinning demo on " + vmm), text::toString);
        for (int step = 1; step <= DECISIONS.size(); step++) {
            assertTrue(text.stdout().contains("\n[" + step + "] "), "step " + step + " missing: " + text);
        }
        assertTrue(text.stdout().contains("\ndecision: pinned ("), text::toString);
        assertTrue(text.stdout().contains("\nvCPU   thread     allowed CPUs\n"), text::toString);
        assertTrue(text.stdout().endsWith("Done: the VMM is stopped and its files are removed.\n"), text::toString);
        assertEquals("", text.stderr());
        assertEquals(before, demoDirs(), "the demo left its work directory behind");
    }

    @Test
    void qemuDemoWithoutQemuFailsWithOne(@TempDir Path bin) throws Exception {
        // A PATH with the tools the launcher needs but no QEMU.
        for (String tool : List.of("bash", "sed", "readlink", "dirname", "ls", "grep", "head")) {
            Path found = Stream.of(System.getenv("PATH").split(":")).map(dir -> Path.of(dir, tool))
                    .filter(Files::isExecutable).findFirst().orElseThrow();
            Files.createSymbolicLink(bin.resolve(tool), found);
        }
        Launcher.Result noQemu = Launcher.run(List.of(Launcher.KATA_PINNING.toString(), "demo", "--qemu"),
                Map.of("PATH", bin.toString(), "KATA_PINNING_NO_BUILD", "1"));
        noQemu.assertFailure(KataPinning.FAILED);
        assertTrue(noQemu.stderr().contains("qemu-system-x86_64 is not on PATH"), noQemu::toString);
    }

    private static JsonNode demo(String mode) throws Exception {
        assumeTrue(demoCpus().size() >= 2, "the expected decisions are those of two CPUs or more");
        JsonNode run = kataPinning("--json", "demo", mode).json();
        assertEquals(List.of("vmm", "description", "cpus", "steps"), List.copyOf(run.propertyNames()));
        assertEquals(demoCpus().toString(), run.path("cpus").stringValue());
        return run;
    }

    /** Each step's decision is the expected one, and the affinities reported after it are what it means. */
    private static void assertDecisionsMatchTheKernel(JsonNode run) {
        CpuSet cpus = CpuSet.parse(run.path("cpus").stringValue());
        List<JsonNode> steps = run.path("steps").valueStream().toList();
        assertEquals(DECISIONS, steps.stream().map(s -> s.path("status").path("decision").stringValue()).toList());
        for (JsonNode step : steps) {
            JsonNode status = step.path("status");
            List<CpuSet> affinities = status.path("vcpus").valueStream()
                    .map(v -> CpuSet.parse(v.path("affinity").stringValue())).toList();
            CpuSet union = CpuSet.parse(status.path("cpuset").stringValue());
            String where = step.path("step").stringValue();
            String decision = status.path("decision").stringValue();
            if (decision.equals("pinned")) {
                for (int i = 0; i < affinities.size(); i++) {
                    assertEquals(CpuSet.of(union.nth(i)), affinities.get(i), where);
                }
            } else if (decision.equals("reset") && !union.isEmpty()) {
                affinities.forEach(a -> assertEquals(union, a, where));
            } else { // not pinned yet, or back on the VMM's own affinity
                affinities.forEach(a -> assertTrue(a.containsAll(cpus), where));
            }
        }
        assertEquals(cpus.size() + 1, steps.getLast().path("status").path("vcpus").size(), "the hot-plugged vCPU");
    }

    private static CpuSet demoCpus() {
        return Demo.demoCpus(LinuxThreads.processAffinity());
    }

    private static long pidOf(String description) {
        Matcher pid = Pattern.compile("pid (\\d+)").matcher(description);
        assertTrue(pid.find(), description);
        return Long.parseLong(pid.group(1));
    }

    private static Set<Path> demoDirs() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(p -> p.getFileName().toString().startsWith("kata-pinning-demo-")).collect(Collectors.toSet());
        }
    }
}
