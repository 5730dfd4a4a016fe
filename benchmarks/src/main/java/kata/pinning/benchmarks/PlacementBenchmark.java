package kata.pinning.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import kata.pinning.HostTopology;
import kata.pinning.VcpuThread;
import kata.pinning.config.PinningPolicy;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.internal.GuestNodes;
import kata.pinning.internal.Plan;
import kata.pinning.internal.Planner;
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
 * The pure placement planner on the largest host Linux supports: 8192 CPUs in 8 NUMA nodes of 1024,
 * and a VM of 1024 vCPUs, 128 per guest node as QEMU reports them. Target: a whole plan under 1 ms.
 * The floor is the {@code exact} rule without NUMA on 1024 vCPUs for 1024 CPUs, a plain one-to-one
 * walk; the NUMA plans show what the two passes and their masks cost on top.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Suite.HEAP_MIN, Suite.HEAP_MAX, Suite.PRE_TOUCH})
public class PlacementBenchmark {

    static final int NODES = 8;
    static final int CPUS_PER_NODE = 1024;
    static final int VCPUS = 1024;

    private final GuestNodes nodes = GuestNodes.of(host(), List.of());
    private final List<VcpuThread> vcpus = vcpus();
    /** Every host CPU: 1024 vCPUs for 8192 CPUs, every vCPU pinned within its node. */
    private final CpuSet all = CpuSet.range(0, NODES * CPUS_PER_NODE - 1);
    /** 64 CPUs of each node: 512 pinned, the other 512 vCPUs on their node's CPUs. */
    private final CpuSet short64 = shortUnion();
    /** The floor's union: as many CPUs as vCPUs. */
    private final CpuSet exactUnion = CpuSet.range(0, VCPUS - 1);

    private static HostTopology host() {
        Map<Integer, CpuSet> nodes = new TreeMap<>();
        for (int n = 0; n < NODES; n++) {
            nodes.put(n, CpuSet.range(n * CPUS_PER_NODE, (n + 1) * CPUS_PER_NODE - 1));
        }
        return HostTopology.of(nodes);
    }

    private static List<VcpuThread> vcpus() {
        List<VcpuThread> out = new ArrayList<>(VCPUS);
        for (int i = 0; i < VCPUS; i++) {
            out.add(new VcpuThread(i, 10_000 + i, OptionalInt.of(i / (VCPUS / NODES))));
        }
        return out;
    }

    private static CpuSet shortUnion() {
        CpuSet union = CpuSet.empty();
        for (int n = 0; n < NODES; n++) {
            union = union.union(CpuSet.range(n * CPUS_PER_NODE, n * CPUS_PER_NODE + 63));
        }
        return union;
    }

    /** {@code fit} with NUMA, 1024 vCPUs for 8192 CPUs: every vCPU pinned within its node. */
    @Benchmark
    public Plan fitNumaAllCpus() {
        return Planner.plan(new Planner.Request(true, PinningPolicy.FIT, vcpus, all, nodes, all, true));
    }

    /** {@code fit} with NUMA, 1024 vCPUs for 512 CPUs: half pinned, half on their node's CPUs in the union. */
    @Benchmark
    public Plan fitNumaShortUnion() {
        return Planner.plan(new Planner.Request(true, PinningPolicy.FIT, vcpus, short64, nodes, all, true));
    }

    /** The floor: the {@code exact} count rule without NUMA, 1024 vCPUs one-to-one on 1024 CPUs. */
    @Benchmark
    public Plan exactRule() {
        return Planner.plan(new Planner.Request(true, PinningPolicy.EXACT, vcpus, exactUnion, GuestNodes.NONE, all, true));
    }
}
