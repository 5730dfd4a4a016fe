package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs {@code bin/kata-pinning} (or another script of {@code bin/}) as a separate process, as a user
 * would, and collects its exit code and output.
 */
final class Launcher {

    /** The repository root: tests run in the module's directory, two levels below it. */
    static final Path ROOT = Path.of("").toAbsolutePath().getParent().getParent();
    static final Path KATA_PINNING = ROOT.resolve("bin/kata-pinning");
    static final Path KATA_JSHELL = ROOT.resolve("bin/kata-jshell");

    private static final long TIMEOUT_SECONDS = 180;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Launcher() {
    }

    /**
     * What a run printed and returned.
     *
     * @param exitCode the exit code
     * @param stdout everything on stdout
     * @param stderr everything on stderr
     */
    record Result(int exitCode, String stdout, String stderr) {

        /** {@return stdout as one JSON document, after checking the run succeeded} */
        JsonNode json() {
            assertEquals(KataPinning.OK, exitCode, this::toString);
            try {
                return JSON.readTree(stdout);
            } catch (JacksonException e) {
                throw new AssertionError("stdout is not JSON: " + this, e);
            }
        }

        /** {@return this, after checking the run succeeded} */
        Result assertSuccess() {
            assertEquals(KataPinning.OK, exitCode, this::toString);
            return this;
        }

        /** Checks the exit code, and that stderr is one line without a stack trace. */
        Result assertFailure(int expectedExitCode) {
            assertEquals(expectedExitCode, exitCode, this::toString);
            List<String> lines = stderr.lines().toList();
            assertEquals(1, lines.size(), () -> "one line on stderr expected: " + this);
            assertTrue(lines.getFirst().startsWith("kata-pinning: "), this::toString);
            assertFalse(stderr.contains("Exception") || stderr.contains("\tat "), () -> "no stack trace expected: " + this);
            return this;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout:\n" + stdout + "--- stderr:\n" + stderr;
        }
    }

    /** Runs {@code bin/kata-pinning} with the given arguments. */
    static Result kataPinning(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(KATA_PINNING.toString()));
        command.addAll(List.of(args));
        return run(command, Map.of());
    }

    /**
     * Runs a command in the repository root, with extra environment variables.
     *
     * @param command the program and its arguments
     * @param environment variables to add to this process's environment
     * @return what it did
     */
    static Result run(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
        Path out = Files.createTempFile("kata-pinning-test", ".out");
        Path err = Files.createTempFile("kata-pinning-test", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(command + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
