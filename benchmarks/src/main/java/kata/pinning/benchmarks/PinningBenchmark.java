package kata.pinning.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import kata.pinning.ContainerEvent;
import kata.pinning.CpuResources;
import kata.pinning.SandboxResources;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.qmp.CpuInfoFast;
import kata.pinning.qmp.QmpClient;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole pinning check, {@link SandboxResources#update}, on a real, paused QEMU with N vCPUs:
 * one {@code query-cpus-fast}, the plan, an affinity read per vCPU thread and a set per thread that
 * differs from the plan.
 *
 * <p>Every {@link #check} alternates the container's cpuset between the VMM's CPUs and its first
 * CPU, so every check changes the vCPU threads. With as many vCPUs as host CPUs that is a pin
 * (one CPU each) and a reset, N - 1 set calls each, as vCPU 0 stays on the first CPU; with more,
 * two resets to the union, the path a small host takes, N set calls each. Every check also reads
 * the N affinities it compares the plan with. {@link #recheck} sends the cpuset in force again: the
 * check still asks QEMU and reads every thread's affinity, but should set none, which
 * {@link Syscalls} counts. {@link #tasksetLoop} is what a shell script would do instead:
 * {@code taskset -p -c} once per vCPU thread. Targets at 128 vCPUs: at most 1.3x (one raw QMP
 * round trip + N C calls), at least 100x faster than the taskset loop.
 *
 * <p>The library logs at WARNING here, as a production runtime would; at INFO every check writes
 * a line to the console.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Suite.NATIVE_ACCESS, Suite.HEAP_MIN, Suite.HEAP_MAX, Suite.PRE_TOUCH})
public class PinningBenchmark {

    /** Held so that the level sticks: the logging framework keeps loggers weakly. */
    private static final Logger LIBRARY_LOG = Logger.getLogger("kata.pinning");

    static {
        LIBRARY_LOG.setLevel(Level.WARNING);
    }

    private static final String CONTAINER = "c1";

    @Param({"2", "16", "64", "128"})
    public int vcpus;

    private final CountingAffinity affinity = new CountingAffinity(ThreadAffinity.linux());
    private Vm vm;
    private QmpClient client;
    private SandboxResources sandbox;
    private ContainerEvent wide;
    private ContainerEvent narrow;
    private String wideList;
    private String narrowList;
    private List<String> threadIds;
    private boolean nextWide;

    /** The affinity set calls of {@link #recheck}, and the checks they were made in. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Syscalls {
        public long affinitySets;
        public long checks;
    }

    /**
     * Starts QEMU and brings the sandbox to "reset to the first CPU", pinning on, then applies the
     * wide cpuset once, so that a re-check of it changes nothing.
     */
    @Setup
    public void startVm() throws IOException {
        vm = Vm.start(vcpus);
        client = vm.client();
        CpuSet vmmCpus = ThreadAffinity.linux().get(vm.pid());
        CpuSet first = CpuSet.of(vmmCpus.first());
        wideList = vmmCpus.toString();
        narrowList = first.toString();
        wide = new ContainerEvent.Updated(CONTAINER, new CpuResources(vmmCpus, CpuSet.empty()));
        narrow = new ContainerEvent.Updated(CONTAINER, new CpuResources(first, CpuSet.empty()));

        SandboxResources fresh = builder().build();
        fresh.vmStarted();
        fresh.update(new ContainerEvent.Added(CONTAINER, new CpuResources(first, CpuSet.empty())));
        // Restrict the vCPU threads behind the library's back, then take the sandbox over: the kernel
        // shows them restricted, so pinning counts as on even where N vCPUs cannot be pinned 1:1.
        threadIds = new ArrayList<>();
        for (CpuInfoFast cpu : client.queryCpusFast()) {
            ThreadAffinity.linux().set(cpu.threadId(), first);
            threadIds.add(Integer.toString(cpu.threadId()));
        }
        if (threadIds.size() != vcpus) {
            throw new IllegalStateException("expected " + vcpus + " vCPU threads, QEMU reports " + threadIds.size());
        }
        // The take-over warns that the kernel and the saved state disagree: here that is the point.
        LIBRARY_LOG.setLevel(Level.OFF);
        try {
            sandbox = builder().restore(fresh.persist());
        } finally {
            LIBRARY_LOG.setLevel(Level.WARNING);
        }
        long before = affinity.sets();
        sandbox.update(wide);
        // Every thread is on the first CPU now; a one-to-one pin leaves vCPU 0 there, so it is not set.
        if (affinity.sets() - before < vcpus - 1) {
            throw new IllegalStateException("applying the wide cpuset made " + (affinity.sets() - before)
                    + " affinity sets for " + vcpus + " vCPUs");
        }
    }

    private SandboxResources.Builder builder() {
        return SandboxResources.builder()
                .qemu(client, vm.pid())
                .pinningEnabled(true)
                .defaultVcpus(vcpus)
                .affinity(affinity);
    }

    @TearDown
    public void stopVm() {
        vm.close(); // and QEMU, by its pid
    }

    /** A check that changes every vCPU thread's affinity. */
    @Benchmark
    public void check() {
        sandbox.update(nextWide ? wide : narrow);
        nextWide = !nextWide;
    }

    /** A check where nothing changed: the cpuset in force, sent again. */
    @Benchmark
    public void recheck(Syscalls syscalls) {
        long before = affinity.sets();
        sandbox.update(wide);
        syscalls.affinitySets += affinity.sets() - before;
        syscalls.checks++;
    }

    /**
     * One {@code taskset -p -c} per vCPU thread from one shell, alternating as {@link #check} does.
     * Seconds per call at 128 vCPUs, so fewer rounds: its median needs no more.
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {Suite.NATIVE_ACCESS, Suite.HEAP_MIN, Suite.HEAP_MAX, Suite.PRE_TOUCH})
    @Warmup(iterations = 1, time = 1)
    @Measurement(iterations = 3, time = 1)
    public void tasksetLoop() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c",
                "cpus=$1; shift; for tid in \"$@\"; do taskset -p -c \"$cpus\" \"$tid\" >/dev/null || exit 1; done",
                "taskset-loop", nextWide ? wideList : narrowList));
        command.addAll(threadIds);
        nextWide = !nextWide;
        int status = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (status != 0) {
            throw new IllegalStateException("the taskset loop exited with status " + status);
        }
    }
}
