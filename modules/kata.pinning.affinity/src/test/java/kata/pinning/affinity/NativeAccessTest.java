package kata.pinning.affinity;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import kata.pinning.affinity.internal.UnguardedLinkProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child JVMs with and without {@code --enable-native-access}, on the module path and on the class
 * path: without the flag the module says so and never links libc, so the JDK prints no
 * "restricted method" warning; with it the binding works, still without a warning.
 */
class NativeAccessTest {

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    /** This module's classes and kata.pinning.cpuset, as surefire runs them. */
    private static final String MODULE_PATH = System.getProperty("jdk.module.path");
    private static final String TEST_CLASSES =
            Path.of(System.getProperty("basedir", "."), "target", "test-classes").toString();
    private static final String PROBE = NativeAccessProbe.class.getName();
    /** What the JDK prints when a module without native access calls a restricted method. */
    private static final String WARNING = "restricted method";

    @TempDir
    Path tmp;

    @Test
    void linkingWithoutTheGuardWouldPrintTheWarning() throws Exception {
        // The control for the tests below: it shows WARNING is what they would see if the module
        // linked libc without checking for native access first.
        Result run = onModulePath(List.of(), UnguardedLinkProbe.class.getName());

        assertEquals("2", run.values().get("linked"), run.toString());
        assertTrue(run.stderr().contains(WARNING), run.toString());
    }

    @Test
    void modulePathWithoutTheFlagIsUnavailableAndNamesTheModuleFlag() throws Exception {
        Result run = onModulePath(List.of(), PROBE);

        assertAll(
                () -> assertEquals("false", run.values().get("available"), run.toString()),
                () -> assertTrue(run.values().get("reason").contains("--enable-native-access=kata.pinning.affinity"),
                        run.toString()),
                () -> assertTrue(run.values().get("refused").contains("--enable-native-access=kata.pinning.affinity"),
                        run.toString()),
                () -> assertFalse(run.values().containsKey("tid"), run.toString()),
                () -> assertFalse(run.stderr().contains(WARNING), run.stderr()));
    }

    @Test
    void modulePathWithTheFlagWorksWithoutWarning() throws Exception {
        Result run = onModulePath(List.of("--enable-native-access=kata.pinning.affinity"), PROBE);

        assertAll(
                () -> assertEquals("true", run.values().get("available"), run.toString()),
                () -> assertTrue(Integer.parseInt(run.values().get("tid")) > 0, run.toString()),
                () -> assertFalse(run.values().get("cpus").isEmpty(), run.toString()),
                () -> assertFalse(run.stderr().contains(WARNING), run.stderr()));
    }

    @Test
    void classPathWithoutTheFlagNamesAllUnnamed() throws Exception {
        Result run = onClassPath(List.of());

        assertAll(
                () -> assertEquals("false", run.values().get("available"), run.toString()),
                () -> assertTrue(run.values().get("refused").contains("--enable-native-access=ALL-UNNAMED"),
                        run.toString()),
                () -> assertFalse(run.stderr().contains(WARNING), run.stderr()));
    }

    @Test
    void classPathWithAllUnnamedWorksWithoutWarning() throws Exception {
        Result run = onClassPath(List.of("--enable-native-access=ALL-UNNAMED"));

        assertAll(
                () -> assertEquals("true", run.values().get("available"), run.toString()),
                () -> assertTrue(Integer.parseInt(run.values().get("tid")) > 0, run.toString()),
                () -> assertFalse(run.stderr().contains(WARNING), run.stderr()));
    }

    private Result onModulePath(List<String> flags, String mainClass) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(flags);
        // The probe is a test class: patch it into the module, as surefire does.
        command.addAll(List.of("--module-path", MODULE_PATH,
                "--patch-module", "kata.pinning.affinity=" + TEST_CLASSES,
                "--module", "kata.pinning.affinity/" + mainClass));
        return run(command);
    }

    private Result onClassPath(List<String> flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(flags);
        command.addAll(List.of("--class-path", MODULE_PATH + File.pathSeparator + TEST_CLASSES, PROBE));
        return run(command);
    }

    private Result run(List<String> command) throws IOException, InterruptedException {
        Path stderr = Files.createTempFile(tmp, "stderr", ".txt");
        Process java = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        java.getOutputStream().close();
        List<String> stdout = java.inputReader().lines().toList();
        if (!java.waitFor(30, TimeUnit.SECONDS)) {
            java.destroyForcibly();
            throw new AssertionError("child JVM did not exit: " + command);
        }
        String errors = Files.readString(stderr);
        assertEquals(0, java.exitValue(), () -> "child JVM failed: " + command + "\n" + stdout + "\n" + errors);
        Map<String, String> values = stdout.stream()
                .map(line -> line.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
        return new Result(values, errors);
    }

    private record Result(Map<String, String> values, String stderr) {
    }
}
