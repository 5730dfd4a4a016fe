package kata.pinning.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kata.pinning.VcpuThread;
import kata.pinning.Vmm;
import kata.pinning.VmmKind;
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
 * Finding the vCPU threads of a real, paused QEMU with N vCPUs and {@code debug-threads=on}: by
 * name ({@link Vmm#threadNames}) against the floor, a bare read of every task's {@code comm} with
 * no decoding or matching, and against asking QEMU over QMP ({@code query-cpus-fast}). Target: the
 * scan by name at most 1.5x the bare reads at every N.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Suite.NATIVE_ACCESS, Suite.HEAP_MIN, Suite.HEAP_MAX, Suite.PRE_TOUCH})
public class ThreadNamesBenchmark {

    @Param({"2", "16", "64"})
    public int vcpus;

    private Vm vm;
    private Vmm byName;
    private Vmm overQmp;
    private Path tasks;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64);

    @Setup
    public void startVm() throws IOException {
        vm = Vm.start(vcpus, "-name", "bench,debug-threads=on");
        byName = Vmm.threadNames(VmmKind.QEMU, vm.pid(), Path.of("/proc"));
        overQmp = Vmm.qemu(vm.client(), vm.pid());
        tasks = Path.of("/proc", Integer.toString(vm.pid()), "task");
        // Both ways must see every vCPU, or the benchmark measures a smaller answer than it says.
        if (byName.vcpus().size() != vcpus || overQmp.vcpus().size() != vcpus) {
            throw new IllegalStateException("expected " + vcpus + " vCPUs, by name " + byName.vcpus().size()
                    + ", over QMP " + overQmp.vcpus().size());
        }
    }

    @TearDown
    public void stopVm() {
        vm.close(); // and QEMU, by its pid
    }

    @Benchmark
    public List<VcpuThread> byName() throws IOException {
        return byName.vcpus();
    }

    @Benchmark
    public List<VcpuThread> overQmp() throws IOException {
        return overQmp.vcpus();
    }

    /**
     * The floor: list the tasks and read each {@code comm} into one reused buffer, the least I/O
     * any scan by name must do, with no decoding and no matching.
     */
    @Benchmark
    public int bareCommReads() throws IOException {
        int bytes = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tasks)) {
            for (Path task : entries) {
                try (FileChannel comm = FileChannel.open(task.resolve("comm"))) {
                    buffer.clear();
                    bytes += comm.read(buffer);
                }
            }
        }
        return bytes;
    }
}
