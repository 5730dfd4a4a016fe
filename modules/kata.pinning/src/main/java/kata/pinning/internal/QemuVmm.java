package kata.pinning.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import kata.pinning.TaskListing;
import kata.pinning.VcpuThread;
import kata.pinning.Vmm;
import kata.pinning.qmp.QmpClient;
import kata.pinning.qmp.QmpException;

/**
 * A QEMU process seen through its QMP socket: {@code query-cpus-fast} (or {@code query-cpus} where
 * QEMU lacks it), with {@code props.node-id} as the guest NUMA node when QEMU runs with
 * {@code -numa}.
 *
 * <p><b>Re-checks without a round trip.</b> With each answer it keeps the {@link TaskListing} of
 * QEMU's threads that was taken just before asking. While a later listing shows the same threads,
 * no thread started or ended, so no vCPU was plugged or unplugged, and the answer is reused
 * without asking QEMU. In a sandbox the listing is the step's own, read under the sandbox's proc
 * root ({@link #vcpus(TaskListing)}); {@link #vcpus()} lists the tasks under the proc root given
 * here. A thread that starts during the query changes the next listing and brings the query back.
 *
 * <p><b>Reconnecting.</b> When the client is closed (QEMU hung up, or the session broke), the next
 * query connects once more to the same socket ({@link QmpClient#socket()}) and asks again; a
 * failure then is reported as it comes. A client opened that way belongs to this object, which
 * closes it when it has to be replaced in turn.
 */
public final class QemuVmm implements Vmm {

    /** The time allowed for connecting again after the client was closed. */
    static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final int pid;
    private final Path procRoot;
    private final ListingCache cache = new ListingCache();
    private QmpClient qmp;
    private boolean ownsClient;

    /**
     * Wraps a connected client.
     *
     * @param qmp      a connected QMP client; the caller's to close
     * @param pid      QEMU's process id
     * @param procRoot where procfs is mounted, for the listings {@link #vcpus()} takes itself
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
        return vcpus(TaskListing.read(procRoot, pid));
    }

    @Override
    public List<VcpuThread> vcpus(TaskListing tasks) throws IOException {
        return cache.vcpus(tasks, listed -> query());
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
