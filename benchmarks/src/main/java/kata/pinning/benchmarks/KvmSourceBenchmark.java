package kata.pinning.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kata.pinning.TaskListing;
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
 * The {@code kvm} source ({@link Vmm#kvm}) against the thread-name scan ({@link Vmm#threadNames}) of
 * the same process: a first scan, and a re-check with nothing changed, which lists the tasks first
 * as every step of a sandbox does. The benchmark host may have no KVM, so the process is a
 * proc-shaped tree of real files on disk, laid out as a QEMU with N vCPUs under KVM shows itself in
 * {@code /proc}: N {@code anon_inode:kvm-vcpu:<i>} fd links among 24 other fds, N vCPU threads in
 * {@code KVM_RUN} named {@code CPU <i>/KVM}, eight other threads blocked elsewhere, and one
 * {@code kvm-nx-lpage-recovery} user worker. Files on disk are read through the page cache, not
 * through procfs, so the ratios say more than the absolute times. A first scan reads more than a
 * name scan (every fd link, and a task's {@code stat} and {@code syscall} where a name scan reads
 * {@code comm}); its ratio is reported. Targets: the first scan at 128 vCPUs at most one QMP
 * round trip ({@link QmpBenchmark}, when run too), and the re-check at most the thread-name re-check
 * at every N.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Suite.NATIVE_ACCESS, Suite.HEAP_MIN, Suite.HEAP_MAX, Suite.PRE_TOUCH})
public class KvmSourceBenchmark {

    private static final int PID = 4242;
    private static final int OTHER_FDS = 24;
    private static final int OTHER_THREADS = 8;
    private static final int IOCTL = "aarch64".equals(System.getProperty("os.arch")) ? 29 : 16;

    @Param({"2", "16", "64", "128"})
    public int vcpus;

    private Path root;
    private Vmm kvmCached;
    private Vmm byName;

    @Setup
    public void buildTree() throws IOException {
        root = Files.createTempDirectory("kvm-source-bench");
        Path process = root.resolve(Integer.toString(PID));
        Path fds = Files.createDirectories(process.resolve("fd"));
        for (int fd = 0; fd < OTHER_FDS; fd++) {
            Files.createSymbolicLink(fds.resolve(Integer.toString(fd)), Path.of(fd % 2 == 0 ? "anon_inode:[eventfd]" : "socket:[" + (9000 + fd) + "]"));
        }
        int tid = PID;
        for (int other = 0; other < OTHER_THREADS; other++) {
            task(process, tid++, "qemu-system-x86", 0x400040, "202 0x7f3a2c000b70 0x80 0x0 0x0 0x0 0x0 0x7f3a2bffe6b0 0x7f3a31c91e2e");
        }
        for (int i = 0; i < vcpus; i++) {
            int fd = OTHER_FDS + i;
            Files.createSymbolicLink(fds.resolve(Integer.toString(fd)), Path.of("anon_inode:kvm-vcpu:" + i));
            task(process, tid++, "CPU " + i + "/KVM", 0x400040, inKvmRun(fd));
        }
        task(process, tid, "kvm-nx-lpage-re", 0x404040, inKvmRun(OTHER_FDS));
        kvmCached = Vmm.kvm(VmmKind.QEMU, PID, root);
        byName = Vmm.threadNames(VmmKind.QEMU, PID, root);
        // Both ways must see every vCPU, or the benchmark measures a smaller answer than it says.
        if (kvmCached.vcpus().size() != vcpus || byName.vcpus().size() != vcpus || !kvmCached.vcpus().equals(byName.vcpus())) {
            throw new IllegalStateException("expected the same " + vcpus + " vCPUs, kvm " + kvmCached.vcpus() + ", by name " + byName.vcpus());
        }
    }

    private static String inKvmRun(int fd) {
        return IOCTL + " 0x" + Integer.toHexString(fd) + " 0xae80 0x0 0x0 0x0 0x0 0x7f3a2bffe5d8 0x7f3a31d1c8bb\n";
    }

    private static void task(Path process, int tid, String comm, long flags, String syscall) throws IOException {
        Path task = Files.createDirectories(process.resolve("task").resolve(Integer.toString(tid)));
        Files.writeString(task.resolve("comm"), comm + "\n");
        Files.writeString(task.resolve("stat"), tid + " (" + comm + ") S 1 " + PID + " " + PID + " 0 -1 " + flags
                + " 120 0 0 0 40 12 0 0 20 0 1 0 " + (50_000 + tid) + " 2147483648 4096\n");
        Files.writeString(task.resolve("syscall"), syscall);
    }

    @TearDown
    public void removeTree() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** A first scan: a new source, so nothing is cached; it lists the tasks, reads the fds, then every task. */
    @Benchmark
    public List<VcpuThread> kvmFirstScan() throws IOException {
        return Vmm.kvm(VmmKind.QEMU, PID, root).vcpus();
    }

    /** The thread-name scan of the same tree: list the tasks, read each name. */
    @Benchmark
    public List<VcpuThread> threadNamesScan() throws IOException {
        return byName.vcpus();
    }

    /** A step's re-check with nothing changed: list the tasks, then the cached answer. */
    @Benchmark
    public List<VcpuThread> kvmRecheck() throws IOException {
        return kvmCached.vcpus(TaskListing.read(root, PID));
    }

    /** The thread-name source's re-check: list the tasks, then read the listed names again. */
    @Benchmark
    public List<VcpuThread> threadNamesRecheck() throws IOException {
        return byName.vcpus(TaskListing.read(root, PID));
    }
}
