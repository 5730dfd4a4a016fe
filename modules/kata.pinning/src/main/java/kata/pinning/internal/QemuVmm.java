package kata.pinning.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import kata.pinning.VcpuThread;
import kata.pinning.Vmm;
import kata.pinning.qmp.QmpClient;
import kata.pinning.qmp.QmpException;

/**
 * A QEMU process seen through its QMP socket: {@code query-cpus-fast} (or {@code query-cpus} where
 * QEMU lacks it), with {@code props.node-id} as the guest NUMA node when QEMU runs with
 * {@code -numa}.
 *
 * <p><b>Re-checks without a round trip.</b> With each answer it keeps a {@link TaskSnapshot} of
 * QEMU's threads taken just before asking. While the snapshot stays the same, no thread started or
 * ended, so no vCPU was plugged or unplugged, and the answer is reused without asking QEMU. The
 * snapshot is taken before the query, so a thread that starts during the query changes the next
 * snapshot and brings the query back.
 *
 * <p><b>Reconnecting.</b> When the client is closed (QEMU hung up, or the session broke), the next
 * query connects once more to the same socket ({@link QmpClient#socket()}) and asks again; a
 * failure then is reported as it comes. A client opened that way belongs to this object, which
 * closes it when it has to be replaced in turn.
 */
public final class QemuVmm implements Vmm, ListsOwnTasks {

    /** The time allowed for connecting again after the client was closed. */
    static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final int pid;
    private final Path procRoot;
    private final ReentrantLock lock = new ReentrantLock();
    private QmpClient qmp;
    private boolean ownsClient;
    private TaskSnapshot lastTasks;
    private List<VcpuThread> lastVcpus;
    /** The listing of the latest {@link #vcpus()} call, reused by the confused-deputy check. */
    private TaskSnapshot latestListing;

    /**
     * Wraps a connected client.
     *
     * @param qmp      a connected QMP client; the caller's to close
     * @param pid      QEMU's process id
     * @param procRoot where procfs is mounted, for the thread snapshots
     * @throws IllegalArgumentException if {@code pid <= 0}
     */
    public QemuVmm(QmpClient qmp, int pid, Path procRoot) {
        this.qmp = Objects.requireNonNull(qmp, "qmp");
        this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
        if (pid <= 0) {
            throw new IllegalArgumentException("VMM pid must be positive: " + pid);
        }
        this.pid = pid;
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public List<VcpuThread> vcpus() throws IOException {
        lock.lock();
        try {
            Optional<TaskSnapshot> tasks = TaskSnapshot.take(procRoot, pid);
            latestListing = tasks.orElse(null);
            if (tasks.isPresent() && lastTasks != null && tasks.get().sameThreads(lastTasks)) {
                return lastVcpus;
            }
            List<VcpuThread> vcpus = query();
            lastTasks = tasks.orElse(null);
            lastVcpus = vcpus;
            return vcpus;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Set<Integer>> tasksListedUnder(Path root) {
        lock.lock();
        try {
            return latestListing != null && procRoot.equals(root) ? Optional.of(latestListing.tidSet()) : Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    private List<VcpuThread> query() throws IOException {
        if (!qmp.isOpen()) {
            reconnect();
        }
        return qmp.queryVcpus().stream()
                .map(cpu -> new VcpuThread(cpu.cpuIndex(), cpu.threadId(), cpu.props().nodeId()))
                .toList();
    }

    /** Replaces a closed client by a new connection to the same socket; the new one is ours. */
    private void reconnect() throws QmpException {
        QmpClient fresh = QmpClient.connect(qmp.socket(), RECONNECT_TIMEOUT);
        if (ownsClient) {
            qmp.close();
        }
        qmp = fresh;
        ownsClient = true;
    }

    @Override
    public String kind() {
        return "qemu";
    }

    @Override
    public String source() {
        return "qmp";
    }

    @Override
    public String toString() {
        return "QEMU pid " + pid;
    }
}
