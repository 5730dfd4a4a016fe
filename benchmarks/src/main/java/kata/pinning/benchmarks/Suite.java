package kata.pinning.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kata.pinning.testing.QemuVm;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs every benchmark in one go and prints one table: see {@link Report}.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar benchmarks.jar --c-peer PATH [--rounds R] [--quick]
 *      [--log-dir DIR] [--table FILE] [--launcher bin/kata-pinning] [REGEX...]
 * </pre>
 * The regular expressions select JMH benchmarks as JMH's own command line does (default: all);
 * {@code Startup} selects the start-up rows, run when {@code --launcher} names the command.
 *
 * <p>The run is split into rounds (3 by default): each round runs the C peer a few times, then one
 * JMH fork of every selected benchmark. On a shared, noisy machine this spreads whatever else runs
 * over all the peers alike, where JMH alone would run all forks of one benchmark, then all of the
 * next, minutes apart. Each row's median and range are over the iterations of all rounds.
 * {@code --quick} runs one short round, to try changes; its numbers mean little.
 */
public final class Suite {

    /** What each forked JVM needs: the library, JNA and the benchmarks all sit on the class path. */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /**
     * A fixed heap, touched at start: a growing heap takes page faults on fresh memory, which made
     * the allocating benchmarks swing between 60 ns and 6 µs per call on this kind of machine.
     */
    static final String HEAP_MIN = "-Xms1g";
    static final String HEAP_MAX = "-Xmx1g";
    static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";

    /** Calls per run of the C peer, and runs per round. */
    private static final long C_CALLS = 200_000;
    private static final int C_RUNS_PER_ROUND = 4;

    private Suite() {
    }

    public static void main(String[] args) throws IOException, InterruptedException, RunnerException {
        Path cPeer = null;
        Path logDir = Path.of(".");
        Path table = null;
        Path launcher = null;
        int rounds = 3;
        boolean quick = false;
        List<String> includes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--c-peer" -> cPeer = Path.of(value(args, ++i));
                case "--log-dir" -> logDir = Path.of(value(args, ++i));
                case "--table" -> table = Path.of(value(args, ++i));
                case "--launcher" -> launcher = Path.of(value(args, ++i));
                case "--rounds" -> rounds = Integer.parseInt(value(args, ++i));
                case "--quick" -> quick = true;
                default -> includes.add(args[i]);
            }
        }
        if (cPeer == null || !Files.isExecutable(cPeer)) {
            throw new IllegalArgumentException("--c-peer must name the compiled affinity_peer, got " + cPeer);
        }
        if (quick) {
            rounds = 1;
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }

        Report report = new Report();
        CPeer peer = new CPeer(cPeer);
        for (int round = 1; round <= rounds; round++) {
            Path log = logDir.resolve("jmh-round-" + round + ".log");
            System.out.printf("round %d of %d: C peer (%d runs of %d calls per function), then JMH (log: %s)%n",
                    round, rounds, C_RUNS_PER_ROUND, C_CALLS, log);
            report.add(Report.C_SET, peer.measure("set", C_CALLS, C_RUNS_PER_ROUND));
            report.add(Report.C_GET, peer.measure("get", C_CALLS, C_RUNS_PER_ROUND));
            for (RunResult result : new Runner(jmhOptions(includes, quick, log)).run()) {
                record(report, result);
            }
        }

        if (includes.isEmpty() || includes.stream().anyMatch(regex -> "IdleClients".matches(".*" + regex + ".*"))) {
            System.out.println("idle clients: " + IdleClients.SANDBOXES + " sandboxes in a JVM of their own");
            report.idleClients(IdleClients.measureInOwnJvm());
        }
        if (launcher != null && (includes.isEmpty() || includes.stream().anyMatch(regex -> "Startup".matches(".*" + regex + ".*")))) {
            int runs = quick ? 3 : 10 * rounds;
            System.out.printf("start-up: %s against java -version, %d runs each, in turn%n", launcher, runs);
            Startup.measure(report, launcher, Path.of(System.getProperty("java.home"), "bin", "java"), runs);
        }
        String text = machine() + "\n" + report.table();
        System.out.println();
        System.out.println(text);
        if (table != null) {
            Files.writeString(table, text);
        }
    }

    /** One fork of each selected benchmark; a benchmark that fails fails the run, not just its row. */
    private static Options jmhOptions(List<String> includes, boolean quick, Path log) {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .forks(1)
                .shouldFailOnError(true)
                .output(log.toString());
        if (includes.isEmpty()) {
            options.include(Suite.class.getPackageName() + "\\..*");
        }
        includes.forEach(options::include);
        if (quick) {
            options.warmupIterations(1).measurementIterations(2);
        }
        return options.build();
    }

    /** Adds a result's iterations under {@code Class.method[@vcpus]}, and its counters. */
    private static void record(Report report, RunResult result) {
        String name = result.getParams().getBenchmark();
        String vcpus = result.getParams().getParam("vcpus");
        String method = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
        String key = vcpus == null ? method : method + "@" + vcpus;
        List<Double> samples = new ArrayList<>();
        for (BenchmarkResult fork : result.getBenchmarkResults()) {
            for (IterationResult iteration : fork.getIterationResults()) {
                samples.add(iteration.getPrimaryResult().getScore());
            }
        }
        report.add(key, samples);
        result.getAggregatedResult().getSecondaryResults().forEach((label, secondary) ->
                report.addCount(key + ":" + label, secondary.getScore()));
    }

    /** {@return what the numbers depend on: CPU, kernel, JDK, QEMU and its accelerator} */
    private static String machine() throws IOException, InterruptedException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip())
                .findFirst().orElse("unknown CPU");
        Process qemu = new ProcessBuilder(QemuVm.QEMU_BINARY, "--version").redirectErrorStream(true).start();
        String qemuVersion = new String(qemu.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .findFirst().orElse("unknown").strip();
        qemu.waitFor();
        return "Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs (" + cpu + "), Linux "
                + System.getProperty("os.version") + ", JDK " + Runtime.version() + ", " + qemuVersion
                + ", QEMU accelerator " + QemuVm.Accelerator.preferred() + "\n";
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
