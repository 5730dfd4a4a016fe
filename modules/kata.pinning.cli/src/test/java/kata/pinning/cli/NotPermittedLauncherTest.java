package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.stream.Stream;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The command run as user 65534 ({@code nobody}, through {@code setpriv}) against a QEMU that runs
 * as root: the kernel refuses to move QEMU's vCPU threads with a real {@code EPERM}, and the command
 * exits 1 with one line that says so, leaving the state file and the threads as they were.
 */
class NotPermittedLauncherTest {

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final int NOBODY = 65534;

    @TempDir
    static Path dir;
    static LiveVm vm;
    /** The jars the launcher runs, copied where user 65534 can read them. */
    static String modulePath;
    /** A directory of user 65534, for its state file. */
    static Path home;

    @BeforeAll
    static void boot() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root, to run the command as another user");
        assumeTrue(Files.isExecutable(SETPRIV), "needs setpriv (util-linux)");
        vm = LiveVm.start(dir);
        Launcher.kataPinning("--version").assertSuccess(); // the launcher builds the jars if they are stale
        modulePath = readableJars();
        home = Files.createDirectory(dir.resolve("nobody"));
        Files.setAttribute(home, "unix:uid", NOBODY);
        Files.setAttribute(home, "unix:gid", NOBODY);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // QEMU made its socket rwxr-xr-x; connecting takes write permission.
        Files.setPosixFilePermissions(vm.qemu.qmpSocket(), PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @AfterAll
    static void stop() {
        if (vm != null) {
            vm.close();
        }
    }

    @Test
    void pinningAnotherUsersVmmExitsOneWithTheKernelsRefusal() throws Exception {
        Path state = home.resolve("state.json");
        CpuSet two = vm.twoCpus();
        JsonNode started = asNobody(state, "--json", "vm-started").json();
        List<Integer> tids = started.path("vcpus").valueStream().map(v -> v.path("threadId").intValue()).toList();
        List<CpuSet> affinities = vm.allowedCpus(tids);
        byte[] before = Files.readAllBytes(state);

        Launcher.Result refused = asNobody(state, "container", "add", "c1", "--cpus", two.toString())
                .assertFailure(KataPinning.FAILED);

        assertTrue(refused.stderr().contains("sched_setaffinity(tid " + tids.getFirst() + ", cpus " + two.first()
                + ") failed: EPERM (errno 1): not permitted to change this thread"), refused::toString);
        assertArrayEquals(before, Files.readAllBytes(state), "the state file is as it was");
        assertEquals(affinities, vm.allowedCpus(tids), "no vCPU thread moved");
    }

    /** Runs the command the launcher runs, as user and group 65534 with no supplementary groups. */
    private static Launcher.Result asNobody(Path state, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=kata.pinning.affinity", "--module-path", modulePath,
                "-m", "kata.pinning.cli/kata.pinning.cli.KataPinning",
                "--qmp", vm.qemu.qmpSocket().toString(), "--pid", Long.toString(vm.qemu.pid()),
                "--config", vm.config.toString(), "--state", state.toString()));
        line.addAll(List.of(command));
        return Launcher.run(line, Map.of());
    }

    /** Copies the command's jar and its dependencies to a directory everyone can read; returns the module path. */
    private static String readableJars() throws IOException {
        Path target = Launcher.ROOT.resolve("modules/kata.pinning.cli/target");
        Path jars = Files.createDirectory(dir.resolve("jars"));
        Path lib = Files.createDirectory(jars.resolve("lib"));
        try (Stream<Path> built = Files.list(target); Stream<Path> dependencies = Files.list(target.resolve("lib"))) {
            for (Path jar : (Iterable<Path>) built.filter(NotPermittedLauncherTest::isCommandJar)::iterator) {
                Files.copy(jar, jars.resolve("kata-pinning-cli.jar"));
            }
            for (Path jar : (Iterable<Path>) dependencies::iterator) {
                Files.copy(jar, lib.resolve(jar.getFileName()));
            }
        }
        for (Path path : List.of(jars, lib)) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return jars.resolve("kata-pinning-cli.jar") + File.pathSeparator + lib;
    }

    private static boolean isCommandJar(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith("kata-pinning-cli-") && name.endsWith(".jar")
                && !name.endsWith("-sources.jar") && !name.endsWith("-javadoc.jar") && !name.endsWith("-tests.jar");
    }
}
