package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The command tree in this JVM: help, usage errors and their exit codes, and the log policy. */
class KataPinningTest {

    static Stream<String> commands() {
        return Stream.of("cpuset", "config", "inspect", "discover", "vm-started", "container", "container add",
                "container update", "container delete", "status", "demo");
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandHasHelp(String command) {
        String[] words = command.split(" ");
        InProcess.Result help = InProcess.run(Stream.concat(Stream.of(words), Stream.of("--help")).toArray(String[]::new));
        assertEquals(KataPinning.OK, help.exitCode(), help::toString);
        assertTrue(help.stdout().startsWith("Usage: kata-pinning " + command + " "), help::toString);
        assertEquals("", help.stderr());
    }

    @Test
    void optionsTheCommandNeedsAreUsageErrors() {
        String self = Long.toString(ProcessHandle.current().pid());
        List<List<String>> missing = List.of(
                List.of("inspect"),
                List.of("--qmp", "q.sock", "inspect"),
                List.of("--qmp", "q.sock", "--pid", "0", "inspect"),
                List.of("--qmp", "q.sock", "--pid", self, "status"),
                List.of("--qmp", "q.sock", "--pid", Integer.toString(Integer.MAX_VALUE), "--state", "s.json", "vm-started"),
                List.of("--pid", "abc", "inspect"),
                List.of("--vmm", "xen", "--pid", self, "inspect"),
                List.of("--vmm", "firecracker", "--qmp", "q.sock", "--pid", self, "inspect"),
                List.of("container", "add", "c1"),
                List.of("container", "delete"),
                List.of("demo", "--qemu", "--embedded"),
                List.of("cpuset"),
                List.of("no-such-command"),
                List.of("container"),
                List.of("--annotation", "no-equals-sign", "config"));
        for (List<String> args : missing) {
            InProcess.Result usage = InProcess.run(args.toArray(String[]::new));
            assertEquals(KataPinning.BAD_INPUT, usage.exitCode(), () -> args + ": " + usage);
            assertEquals(1, usage.stderr().lines().count(), () -> args + ": " + usage);
            assertTrue(usage.stderr().contains("(see 'kata-pinning"), () -> args + ": " + usage);
        }
    }

    @Test
    void cpusetTextSaysHowManyCpus() {
        assertEquals("3 (1 CPU)\n", InProcess.run("cpuset", "3").stdout());
        assertEquals("(empty) (0 CPUs)\n", InProcess.run("cpuset", "").stdout());
        assertEquals(CpuSet.range(0, 9).toString() + " (10 CPUs)\n", InProcess.run("cpuset", "0-4", "5-9").stdout());
    }

    @Test
    void configTextNamesTheLayerThatDecided(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("configuration.toml"), "[runtime]\nenable_vcpus_pinning = false\n[hypervisor.qemu]\n");
        Path dropIn = Files.writeString(Files.createDirectory(dir.resolve("config.d")).resolve("50-pinning.toml"),
                "[runtime]\nenable_vcpus_pinning = true\n");
        InProcess.Result text = InProcess.run("--config", file.toString(), "config");
        assertEquals(KataPinning.OK, text.exitCode(), text::toString);
        List<String> lines = text.stdout().lines().toList();
        assertEquals("enable_vcpus_pinning = true  (set by the drop-in " + dropIn.toRealPath() + ")", lines.getFirst());
        assertEquals("drop-ins             = " + dropIn.toRealPath(), lines.getLast());
    }

    @Test
    void libraryWarningsAppearOnlyWhenTheCommandSucceeds() {
        System.Logger logger = System.getLogger("kata.pinning.test");
        String succeeded = stderrOf(() -> {
            CliLoggerFinder.configure(false);
            logger.log(System.Logger.Level.WARNING, "only {0} of {1} vCPU threads visible", 1, 2);
            logger.log(System.Logger.Level.INFO, "not shown without --verbose");
            CliLoggerFinder.commandSucceeded();
        });
        assertEquals("kata-pinning: warning: only 1 of 2 vCPU threads visible\n", succeeded);

        String failed = stderrOf(() -> {
            CliLoggerFinder.configure(false);
            logger.log(System.Logger.Level.WARNING, "sandbox step failed");
        });
        assertEquals("", failed, "the command's own error line is the only one");

        String verbose = stderrOf(() -> {
            CliLoggerFinder.configure(true);
            logger.log(System.Logger.Level.DEBUG, "--> query-cpus-fast");
        });
        assertEquals("kata-pinning: debug [kata.pinning.test]: --> query-cpus-fast\n", verbose);
        CliLoggerFinder.configure(false);
        assertFalse(logger.isLoggable(System.Logger.Level.INFO));
    }

    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
