package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When {@code bin/kata-pinning} builds: in a copy of the repository's layout whose {@code mvnw} only
 * records that it ran and puts the real jars in place, so no nested Maven build runs.
 */
class BuildOnDemandLauncherTest {

    private static final Path REAL_TARGET = Launcher.ROOT.resolve("modules/kata.pinning.cli/target");

    @TempDir
    Path root;
    Path builds;
    Path source;

    @BeforeEach
    void copyTheLayout() throws IOException {
        Files.createDirectories(root.resolve("bin"));
        for (String script : List.of("kata-pinning", "find-jdk")) {
            Files.copy(Launcher.ROOT.resolve("bin").resolve(script), root.resolve("bin").resolve(script));
        }
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        source = Files.createDirectories(root.resolve("modules/kata.pinning.cpuset/src/main/java")).resolve("A.java");
        Files.writeString(source, "class A {}\n");
        builds = root.resolve("builds.log");
        fakeMvnw("echo \"$@\" >> '" + builds + "'\n"
                + "mkdir -p modules/kata.pinning.cli/target\n"
                + "cp -r '" + REAL_TARGET.resolve("lib") + "' modules/kata.pinning.cli/target/\n"
                + "cp '" + cliJar() + "' modules/kata.pinning.cli/target/\n");
        setAge(root, Instant.now().minusSeconds(60));
    }

    @Test
    void buildsOnceWhenTheJarsAreMissingThenRunsAsIs() throws Exception {
        Launcher.Result first = launch();
        assertEquals("1 (1 CPU)\n", first.stdout(), first::toString);
        assertTrue(first.stderr().startsWith("kata-pinning: building the jars with ./mvnw"), first::toString);
        assertEquals(1, first.stderr().lines().count(), first::toString);
        assertEquals(List.of("-B -q -Dmaven.test.skip=true -pl modules/kata.pinning.cli -am package"), Files.readAllLines(builds));

        Launcher.Result second = launch();
        assertEquals("", second.stderr(), second::toString);
        assertEquals(1, Files.readAllLines(builds).size(), "no second build");
    }

    @Test
    void rebuildsWhenASourceIsNewerThanTheJar() throws Exception {
        launch();
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(60)));
        Launcher.Result afterEdit = launch();
        assertTrue(afterEdit.stderr().startsWith("kata-pinning: building the jars"), afterEdit::toString);
        assertEquals(2, Files.readAllLines(builds).size());
    }

    @Test
    void aFailedBuildExitsOneWithMavensOutput() throws Exception {
        fakeMvnw("echo '[ERROR] COMPILATION ERROR: A.java' >&2\nexit 1\n");
        Launcher.Result failed = launch();
        assertEquals(1, failed.exitCode(), failed::toString);
        assertTrue(failed.stderr().contains("[ERROR] COMPILATION ERROR: A.java"), failed::toString);
        assertTrue(failed.stderr().contains("the build failed"), failed::toString);
        assertEquals("", failed.stdout());
    }

    private Launcher.Result launch() throws IOException, InterruptedException {
        return Launcher.run(List.of(root.resolve("bin/kata-pinning").toString(), "cpuset", "1"), Map.of("KATA_PINNING_NO_BUILD", ""));
    }

    private void fakeMvnw(String body) throws IOException {
        Path mvnw = root.resolve("mvnw");
        Files.writeString(mvnw, "#!/usr/bin/env bash\nset -e\n" + body);
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static Path cliJar() throws IOException {
        try (var jars = Files.list(REAL_TARGET)) {
            return jars.filter(p -> p.getFileName().toString().matches("kata-pinning-cli-.*\\.jar")).findFirst().orElseThrow();
        }
    }

    private static void setAge(Path dir, Instant time) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.toList()) {
                Files.setLastModifiedTime(path, FileTime.from(time));
            }
        }
    }
}
