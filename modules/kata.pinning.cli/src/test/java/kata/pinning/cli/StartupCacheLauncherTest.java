package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/kata-pinning} with and without the AOT cache the build makes: the cache changes how fast
 * the command starts, never what it prints or returns, whether it is missing, made by another JDK or
 * damaged. And the short-lived JVM options are left to the long-running {@code agent} command.
 */
class StartupCacheLauncherTest {

    private static final Path CACHE = Launcher.ROOT.resolve("modules/kata.pinning.cli/target/aot/kata-pinning.aot");
    private static final Path CACHE_JDK = CACHE.resolveSibling("kata-pinning.aot.jdk");

    /** Each command line is compared run for run: one that succeeds, one that fails on bad input. */
    private static final List<List<String>> COMMANDS = List.of(List.of("--json", "cpuset", "0-1"), List.of("cpuset", "1-0"));

    @TempDir
    Path dir;

    private static List<Launcher.Result> withTheBuildsCache;

    @BeforeAll
    static void runWithTheBuildsCache() throws IOException, InterruptedException {
        assumeTrue(Files.isRegularFile(CACHE), "the build made no AOT cache (it needs JDK 25 or newer): " + CACHE);
        withTheBuildsCache = runAll(Map.of());
    }

    @Test
    void theBuildsCacheIsUsedAndMadeByTheJdkTheLauncherRuns() throws Exception {
        String jdk = Launcher.run(List.of(Launcher.ROOT.resolve("bin/find-jdk").toString()), Map.of()).stdout().strip();
        assertEquals(jdk, Files.readString(CACHE_JDK).strip());

        // Class loading is logged apart from the cache's own messages, which the launcher silences.
        Launcher.Result logged = run(List.of("cpuset", "0"), Map.of("KATA_PINNING_JVM_OPTIONS", "-Xlog:class+load"));
        assertTrue(logged.stdout().contains("kata.pinning.cli.KataPinning source: shared objects file"), logged::toString);
        assertEquals("", withTheBuildsCache.getFirst().stderr());
    }

    @Test
    void withoutTheCacheTheCommandRunsExactlyAsWithIt() throws Exception {
        assertEquals(withTheBuildsCache, runAll(cache(dir.resolve("missing.aot"))));
    }

    @Test
    void aCacheMadeByAnotherJdkIsNotUsedAndChangesNothing() throws Exception {
        Path other = Files.copy(CACHE, dir.resolve("other.aot"));
        Files.writeString(dir.resolve("other.aot.jdk"), dir.resolve("another-jdk") + "\n");

        assertEquals(withTheBuildsCache, runAll(cache(other)));
    }

    @Test
    void aCacheTheJvmRejectsChangesNothing() throws Exception {
        // Names this JDK, so the launcher passes it; the JVM finds the header damaged and goes without.
        Path damaged = Files.copy(CACHE, dir.resolve("damaged.aot"));
        Files.copy(CACHE_JDK, dir.resolve("damaged.aot.jdk"));
        try (FileChannel file = FileChannel.open(damaged, StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0}), 0);
        }

        assertEquals(withTheBuildsCache, runAll(cache(damaged)));
    }

    @Test
    void aCacheOlderThanTheJarIsNotUsed() throws Exception {
        Path old = Files.copy(CACHE, dir.resolve("old.aot"));
        Files.copy(CACHE_JDK, dir.resolve("old.aot.jdk"));
        Files.setLastModifiedTime(old, FileTime.from(Instant.EPOCH));

        Launcher.Result logged = run(List.of("cpuset", "0"),
                Map.of("KATA_PINNING_AOT_CACHE", old.toString(), "KATA_PINNING_JVM_OPTIONS", "-Xlog:class+load"));
        assertTrue(logged.stdout().contains("kata.pinning.cli.KataPinning source: jar:")
                || logged.stdout().contains("kata.pinning.cli.KataPinning source: file:"), logged::toString);
    }

    @Test
    void shortLivedJvmOptionsAreForEveryCommandButAgentWhichGetsABoundedOne() throws Exception {
        List<String> shortLived = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData");
        List<String> bounded = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xmx64m",
                "-Xss512k", "-XX:ReservedCodeCacheSize=32m");

        assertEquals(shortLived, jvmOptions(Map.of(), "--json", "cpuset", "0-1"));
        assertEquals(shortLived, jvmOptions(Map.of(), "--state", "agent", "container", "add", "c1"));
        assertEquals(shortLived, jvmOptions(Map.of(), "--vcpu-source", "agent", "inspect"));
        assertEquals(bounded, jvmOptions(Map.of(), "--qmp", "/run/qmp.sock", "--json", "agent", "--help"));
        assertEquals(bounded, jvmOptions(Map.of(), "--vmm=qemu", "agent"));
    }

    @Test
    void theVariableReplacesTheJvmOptionsOfEveryCommand() throws Exception {
        assertEquals(List.of("-Xmx64m", "-Dx=*"), jvmOptions(Map.of("KATA_PINNING_JVM_OPTIONS", "-Xmx64m  -Dx=*"), "agent"));
        assertEquals(List.of(), jvmOptions(Map.of("KATA_PINNING_JVM_OPTIONS", ""), "cpuset", "0"));
    }

    /** {@return the JIT and GC options bin/kata-pinning picks for a command line, one a line} */
    private static List<String> jvmOptions(Map<String, String> environment, String... args) throws Exception {
        // Sourced, not run: $0 is then not the script, so it only defines its functions.
        List<String> command = new ArrayList<>(List.of("bash", "-c",
                "source \"$1\" && shift && kata_pinning_jvm_options \"$@\"", "test", Launcher.KATA_PINNING.toString()));
        command.addAll(List.of(args));
        Launcher.Result result = Launcher.run(command, environment);
        assertEquals(0, result.exitCode(), result::toString);
        return result.stdout().lines().toList();
    }

    private static Map<String, String> cache(Path cache) {
        return Map.of("KATA_PINNING_AOT_CACHE", cache.toString());
    }

    private static List<Launcher.Result> runAll(Map<String, String> environment) throws IOException, InterruptedException {
        List<Launcher.Result> results = new ArrayList<>();
        for (List<String> args : COMMANDS) {
            results.add(run(args, environment));
        }
        return results;
    }

    private static Launcher.Result run(List<String> args, Map<String, String> environment)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Launcher.KATA_PINNING.toString()));
        command.addAll(args);
        return Launcher.run(command, environment);
    }
}
