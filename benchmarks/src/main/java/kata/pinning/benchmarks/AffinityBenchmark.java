package kata.pinning.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import kata.pinning.affinity.LinuxThreads;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.cpuset.HostCpus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@code sched_setaffinity} or {@code sched_getaffinity} of the benchmark thread itself, through
 * this library and through JNA; the C peer ({@code src/main/c/affinity_peer.c}) is the floor.
 * Like the C peer, the thread first restricts itself to its first allowed CPU: in a VM the calls
 * cost more on some CPUs than on others (here 1.5 µs against 2.1 µs), and a thread left free to run
 * anywhere made each fork land in one mode or the other. Each set then passes that one-CPU mask
 * again, so nothing changes and every call costs the same. {@link FfmLibc} is a hand-written FFM
 * downcall on the same mask, the floor of any FFM binding. Targets: library set at most 1.05x C,
 * within 0.03 of the hand-written FFM downcall, and faster than JNA.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {Suite.NATIVE_ACCESS, Suite.HEAP_MIN, Suite.HEAP_MAX, Suite.PRE_TOUCH})
public class AffinityBenchmark {

    private final ThreadAffinity library = ThreadAffinity.linux();
    private int tid;
    private CpuSet mask;
    private long[] words;
    private long[] received;
    private final Arena arena = Arena.ofAuto();
    private MemorySegment ffmState;
    private MemorySegment ffmMask;

    /** Runs on the benchmark thread itself, before each iteration in case JMH changed threads. */
    @Setup(Level.Iteration)
    public void takeThisThread() {
        tid = LinuxThreads.currentThreadId();
        mask = CpuSet.of(library.get(tid).first());
        library.set(tid, mask);
        // JNA gets a mask as wide as the library's: the kernel's, from the possible CPUs.
        int kernelWords = HostCpus.possible().last() / Long.SIZE + 1;
        words = Arrays.copyOf(mask.toWords(), kernelWords);
        received = new long[kernelWords];
        // The hand-written FFM floor gets the same mask, in memory allocated once.
        ffmState = arena.allocate(FfmLibc.CAPTURE_STATE);
        ffmMask = arena.allocate((long) kernelWords * Long.BYTES, Long.BYTES);
        MemorySegment.copy(words, 0, ffmMask, ValueLayout.JAVA_LONG, 0, kernelWords);
    }

    @Benchmark
    public void librarySet() {
        library.set(tid, mask);
    }

    @Benchmark
    public void ffmSet() {
        FfmLibc.setAffinity(ffmState, tid, ffmMask);
    }

    @Benchmark
    public CpuSet libraryGet() {
        return library.get(tid);
    }

    @Benchmark
    public int jnaSet() {
        return JnaLibc.sched_setaffinity(tid, (long) words.length * Long.BYTES, words);
    }

    /** Returns a {@link CpuSet}, as the library's get does, so both do the same work. */
    @Benchmark
    public CpuSet jnaGet() {
        JnaLibc.sched_getaffinity(tid, (long) received.length * Long.BYTES, received);
        return CpuSet.fromWords(received);
    }
}
