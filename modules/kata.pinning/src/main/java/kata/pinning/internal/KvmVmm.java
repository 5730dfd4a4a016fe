package kata.pinning.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import kata.pinning.TaskListing;
import kata.pinning.VcpuThread;
import kata.pinning.Vmm;
import kata.pinning.VmmKind;

/**
 * The vCPU threads of any KVM VMM, as the kernel shows them: its {@code anon_inode:kvm-vcpu:<N>}
 * fds give the vCPUs, and a thread inside {@code ioctl(fd, KVM_RUN)} on one of them runs it
 * ({@link KvmTrace}). No connection and no thread names are needed.
 *
 * <p>A scan reads the fds once, skips kernel workers, then samples the {@code syscall} line of each
 * listed task not yet matched, every {@value #SAMPLE_INTERVAL_MILLIS} ms, until every vCPU has its
 * thread or the window has passed; {@link KvmPairing} decides. Reading another process's
 * {@code syscall} needs {@code CAP_SYS_PTRACE}.
 *
 * <p>As {@link QemuVmm} does, it keeps the task listing with its answer and reuses the answer while
 * a later listing shows the same threads: a vCPU hot-plug starts a thread, so the next check scans
 * again.
 */
public final class KvmVmm implements Vmm {

    /** How long a scan samples unless told otherwise: long enough for a guest's vCPUs to halt once. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMillis(200);
    static final long SAMPLE_INTERVAL_MILLIS = 2;
    private static final Duration SAMPLE_INTERVAL = Duration.ofMillis(SAMPLE_INTERVAL_MILLIS);

    private final VmmKind vmmKind;
    private final int pid;
    private final Path procRoot;
    private final Duration window;
    private final Sleeper sleeper;
    private final OptionalInt ioctl;
    private final ListingCache cache = new ListingCache();

    /**
     * A VMM found from the kernel.
     *
     * @param vmmKind which VMM, for {@link #kind()} and the messages
     * @param pid the VMM's process id
     * @param procRoot where procfs is mounted
     * @param window how long a scan samples before it decides; zero for a single sample
     * @param sleeper waits between samples
     * @throws IllegalArgumentException if {@code pid <= 0} or the window is negative
     */
    public KvmVmm(VmmKind vmmKind, int pid, Path procRoot, Duration window, Sleeper sleeper) {
        this.vmmKind = Objects.requireNonNull(vmmKind, "vmmKind");
        this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
        this.window = Objects.requireNonNull(window, "window");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        if (pid <= 0) {
            throw new IllegalArgumentException("VMM pid must be positive: " + pid);
        }
        if (window.isNegative()) {
            throw new IllegalArgumentException("sampling window must not be negative: " + window);
        }
        this.pid = pid;
        this.ioctl = KvmTrace.ioctlNumber(System.getProperty("os.arch"));
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public List<VcpuThread> vcpus() throws IOException {
        return vcpus(TaskListing.read(procRoot, pid));
    }

    @Override
    public List<VcpuThread> vcpus(TaskListing tasks) throws IOException {
        return cache.vcpus(tasks, listed -> scan(listed.tids()));
    }

    private List<VcpuThread> scan(int[] tids) throws IOException {
        if (ioctl.isEmpty()) {
            throw new IOException(this + ": the kvm vCPU source knows the ioctl number on x86-64, arm64 and riscv64 only, not "
                    + System.getProperty("os.arch"));
        }
        KvmProc proc = new KvmProc(procRoot, pid);
        try {
            Map<Integer, Integer> fds = proc.vcpuFds();
            if (fds.isEmpty()) {
                throw new IOException(this + " has no KVM vCPU (no anon_inode:kvm-vcpu fd): it runs without KVM, "
                        + "under TCG perhaps; find its vCPUs over QMP or by thread names instead");
            }
            KvmPairing pairing = new KvmPairing(fds);
            sample(proc, pairing, userTasks(proc, tids));
            return pairing.result(window);
        } catch (KvmProc.NotPermitted e) {
            throw new IOException("cannot read " + e.getMessage() + ": finding the vCPUs of " + this
                    + " from the kernel needs CAP_SYS_PTRACE; run as root with it", e);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(e.getFile(), null, this + ": " + e.getReason());
        } catch (IllegalArgumentException e) {
            throw new IOException(this + ": " + e.getMessage(), e);
        }
    }

    /** The listed tasks that may be vCPUs: not kernel workers, not exited. */
    private static List<Integer> userTasks(KvmProc proc, int[] tids) throws IOException {
        List<Integer> tasks = new ArrayList<>(tids.length);
        for (int tid : tids) {
            OptionalLong flags = proc.flags(tid);
            if (flags.isPresent() && !KvmTrace.isKernelWorker(flags.getAsLong())) {
                tasks.add(tid);
            }
        }
        return tasks;
    }

    private void sample(KvmProc proc, KvmPairing pairing, List<Integer> tasks) throws IOException {
        long deadline = System.nanoTime() + window.toNanos();
        while (true) {
            pairing.newSample();
            for (int tid : tasks) {
                if (!pairing.isMatched(tid)) {
                    look(proc, pairing, tid);
                }
            }
            if (pairing.isComplete() || System.nanoTime() - deadline >= 0) {
                return;
            }
            try {
                sleeper.sleep(SAMPLE_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(this + ": interrupted while sampling its threads");
            }
        }
    }

    private void look(KvmProc proc, KvmPairing pairing, int tid) throws IOException {
        Optional<String> line = proc.syscall(tid);
        if (line.isEmpty() || line.get().isBlank()) { // a task that ends mid-read may read as nothing
            pairing.gone(tid);
            return;
        }
        KvmTrace.Seen seen = KvmTrace.parseSyscall(line.get(), ioctl.getAsInt());
        if (seen instanceof KvmTrace.InKvmRun run && !pairing.isVcpuFd(run.fd())) {
            pairing.addFds(proc.vcpuFds()); // a vCPU plugged since the fds were read
        }
        pairing.seen(tid, seen);
    }

    @Override
    public String kind() {
        return vmmKind.cliName();
    }

    @Override
    public String source() {
        return "kvm";
    }

    @Override
    public String toString() {
        return vmmKind.cliName() + " pid " + pid;
    }
}
