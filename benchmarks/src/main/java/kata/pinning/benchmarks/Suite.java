package kata.pinning.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs every benchmark in one go (the C peer, then JMH) and prints one table: see {@link Report}.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar benchmarks.jar --c-peer PATH [--quick]
 *      [--jmh-log FILE] [--table FILE] [REGEX...]
 * </pre>
 * The regular expressions select JMH benchmarks as JMH's own command line does (default: all).
 * {@code --quick} runs one short fork of each, to try changes; its numbers mean little.
 */
public final class Suite {

    /** What each forked JVM needs: the library, JNA and the benchmarks all sit on the class path. */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /** Calls per run of the C peer, and runs: enough for a median in a few seconds. */
    private static final long C_CALLS = 200_000;
    private static final int C_RUNS = 10;

    private Suite() {
    }

    public static void main(String[] args) throws IOException, InterruptedException, RunnerException {
        Path cPeer = null;
        Path jmhLog = Path.of("jmh.log");
        Path table = null;
        boolean quick = false;
        List<String> includes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--c-peer" -> cPeer = Path.of(value(args, ++i));
                case "--jmh-log" -> jmhLog = Path.of(value(args, ++i));
                case "--table" -> table = Path.of(value(args, ++i));
                case "--quick" -> quick = true;
                default -> includes.add(args[i]);
            }
        }
        if (cPeer == null || !Files.isExecutable(cPeer)) {
            throw new IllegalArgumentException("--c-peer must name the compiled affinity_peer, got " + cPeer);
        }

        Report report = new Report();
        System.out.println("C peer: " + C_RUNS + " runs of " + C_CALLS + " calls each");
        CPeer peer = new CPeer(cPeer);
        report.add(Report.C_SET, peer.measure("set", C_CALLS, C_RUNS));
        report.add(Report.C_GET, peer.measure("get", C_CALLS, C_RUNS));

        ChainedOptionsBuilder options = new OptionsBuilder().output(jmhLog.toString());
        if (includes.isEmpty()) {
            options.include(Suite.class.getPackageName() + "\\..*");
        }
        includes.forEach(options::include);
        if (quick) {
            options.forks(1).warmupIterations(1).measurementIterations(2);
        }
        System.out.println("JMH: running, its log goes to " + jmhLog);
        Collection<RunResult> results = new Runner(options.build()).run();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            String vcpus = result.getParams().getParam("vcpus");
            List<Double> samples = new ArrayList<>();
            for (BenchmarkResult fork : result.getBenchmarkResults()) {
                for (IterationResult iteration : fork.getIterationResults()) {
                    samples.add(iteration.getPrimaryResult().getScore());
                }
            }
            String key = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            report.add(vcpus == null ? key : key + "@" + vcpus, Stats.of(samples));
            result.getAggregatedResult().getSecondaryResults().forEach((label, secondary) ->
                    report.addCount(key + "@" + vcpus + ":" + label, secondary.getScore()));
        }

        String text = report.table();
        System.out.println();
        System.out.println(text);
        if (table != null) {
            Files.writeString(table, text);
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
