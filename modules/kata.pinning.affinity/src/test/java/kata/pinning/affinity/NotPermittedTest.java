package kata.pinning.affinity;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code EPERM}: a child JVM running as user 65534 ({@code nobody}, through {@code setpriv})
 * asks the kernel to move a thread of this JVM, which runs as root.
 */
class NotPermittedTest {

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final String TEST_CLASSES =
            Path.of(System.getProperty("basedir", "."), "target", "test-classes").toString();

    @TempDir
    Path tmp;

    @Test
    void anotherUsersThreadIsNotPermittedAndNamedInTheMessage() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root, to run a child as another user");
        assumeTrue(Files.isExecutable(SETPRIV), "needs setpriv (util-linux)");
        try (Worker worker = new Worker()) {
            int tid = worker.tid();
            CpuSet before = ProcFs.cpusAllowed(ProcessHandle.current().pid(), tid);
            CpuSet asked = CpuSet.of(before.first());

            Map<String, String> run = runAsNobody(tid, asked);

            assertAll(
                    () -> assertEquals("nobody", run.get("uid"), run::toString),
                    () -> assertEquals("NOT_PERMITTED", run.get("reason"), run::toString),
                    () -> assertEquals("1", run.get("errno"), run::toString),
                    () -> assertEquals("EPERM", run.get("errnoName"), run::toString),
                    () -> assertEquals(Integer.toString(tid), run.get("threadId"), run::toString),
                    () -> assertTrue(run.get("message").startsWith("sched_setaffinity(tid " + tid + ", cpus " + asked
                            + ") failed: EPERM (errno 1): not permitted"), run::toString),
                    () -> assertEquals(before, ProcFs.cpusAllowed(ProcessHandle.current().pid(), tid),
                            "the thread's affinity is unchanged"));
        }
    }

    /** Runs {@link NotPermittedProbe} as uid and gid 65534, on copies of the module path it can read. */
    private Map<String, String> runAsNobody(int tid, CpuSet cpus) throws IOException, InterruptedException {
        List<String> modulePath = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("jdk.module.path").split(File.pathSeparator)) {
            modulePath.add(readableCopy(Path.of(entry), "module-" + n++).toString());
        }
        Path testClasses = readableCopy(Path.of(TEST_CLASSES), "test-classes");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> command = List.of(SETPRIV.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                JAVA, "--enable-native-access=kata.pinning.affinity",
                "--module-path", String.join(File.pathSeparator, modulePath),
                "--patch-module", "kata.pinning.affinity=" + testClasses,
                "--module", "kata.pinning.affinity/" + NotPermittedProbe.class.getName(),
                Integer.toString(tid), cpus.toString());
        Path stderr = tmp.resolve("stderr.txt");
        Process child = new ProcessBuilder(command).directory(tmp.toFile()).redirectError(stderr.toFile()).start();
        child.getOutputStream().close();
        List<String> stdout = child.inputReader().lines().toList();
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("child JVM did not exit: " + command);
        }
        assertEquals(0, child.exitValue(), () -> "child failed: " + stdout + "\n" + readQuietly(stderr));
        return stdout.stream().map(line -> line.split("=", 2)).collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
    }

    /** Copies a jar or a class directory into the temporary directory, readable by everyone. */
    private Path readableCopy(Path source, String name) throws IOException {
        Path target = tmp.resolve(name + (Files.isDirectory(source) ? "" : ".jar"));
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path copy = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
                Files.setPosixFilePermissions(copy,
                        PosixFilePermissions.fromString(Files.isDirectory(file) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return target;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
