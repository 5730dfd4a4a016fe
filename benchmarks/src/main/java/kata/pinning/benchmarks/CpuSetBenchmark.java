package kata.pinning.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import kata.pinning.cpuset.CpuSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing and union of cpulists on the largest host Linux supports, 8192 CPUs. Target: the union of
 * two 8192-CPU sets under 1 µs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Suite.HEAP_MIN, Suite.HEAP_MAX, Suite.PRE_TOUCH})
public class CpuSetBenchmark {

    /** Every CPU as one range, as {@code /sys/devices/system/cpu/possible} reads on such a host. */
    private final String all = "0-" + CpuSet.MAX_CPU;

    /** The worst case for the parser: the 4096 even CPUs, each its own token (about 19 kB). */
    private final String evens = listOf(0);

    private final String odds = listOf(1);

    private final CpuSet evenSet = CpuSet.parse(evens);
    private final CpuSet oddSet = CpuSet.parse(odds);

    private static String listOf(int parity) {
        return IntStream.rangeClosed(0, CpuSet.MAX_CPU)
                .filter(cpu -> cpu % 2 == parity)
                .mapToObj(Integer::toString)
                .collect(Collectors.joining(","));
    }

    /** Parses the one-range list of all 8192 CPUs. */
    @Benchmark
    public CpuSet parseRange() {
        return CpuSet.parse(all);
    }

    /** Parses 4096 single-CPU tokens. */
    @Benchmark
    public CpuSet parseSparse() {
        return CpuSet.parse(evens);
    }

    /** The union of two parsed 4096-CPU sets spread over all 8192 CPUs; the result has all 8192. */
    @Benchmark
    public CpuSet union() {
        return evenSet.union(oddSet);
    }

    /** What a sandbox does with its containers' cpusets: parse both sparse lists and join them. */
    @Benchmark
    public CpuSet unionOfLists() {
        return CpuSet.unionOf(evens, odds);
    }
}
