package kata.pinning;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import kata.pinning.SandboxStatus.VcpuStatus;
import kata.pinning.affinity.AffinityException;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cpuset.CpuSet;

/**
 * The host as vCPU pinning sees it: where procfs is mounted, which tasks a process has, and each
 * thread's affinity as the kernel reports it. A {@link SandboxResources} builds one from its
 * builder's {@link SandboxResources.Builder#procRoot proc root} and
 * {@link SandboxResources.Builder#affinity affinity layer}; each step lists the VMM's tasks once and
 * hands that listing to the VMM's cache and to the foreign-thread check alike.
 *
 * <p>{@link #observe} is the one way vCPUs are looked at: {@code status}, the CLI's
 * {@code inspect} and the node agent all use it.
 * <pre>{@code
 * HostView host = HostView.of(Path.of("/host/proc"), ThreadAffinity.linux());
 * for (SandboxStatus.VcpuStatus v : host.observe(Vmm.kvm(VmmKind.QEMU, pid, Path.of("/host/proc")))) {
 *     System.out.println(v.index() + " " + v.threadId() + " " + v.affinity());
 * }
 * }</pre>
 *
 * @since 0.2
 */
public final class HostView {

    /** The host's own procfs. */
    public static final Path DEFAULT_PROC_ROOT = Path.of("/proc");

    private final Path procRoot;
    private final ThreadAffinity affinity;
    private final IntFunction<TaskListing> tasks;

    private HostView(Path procRoot, ThreadAffinity affinity, IntFunction<TaskListing> tasks) {
        this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
        this.affinity = Objects.requireNonNull(affinity, "affinity");
        this.tasks = tasks;
    }

    /**
     * A view of the host through a procfs mount and an affinity layer.
     *
     * @param procRoot where the host's procfs is mounted: {@code /proc}, or for example {@code /host/proc}
     * @param affinity how thread affinities are read and set
     * @return the view
     */
    public static HostView of(Path procRoot, ThreadAffinity affinity) {
        return new HostView(procRoot, affinity, pid -> TaskListing.read(procRoot, pid));
    }

    /** A view whose task listings come from elsewhere; for tests on a fake kernel. */
    static HostView withTasks(Path procRoot, ThreadAffinity affinity, IntFunction<TaskListing> tasks) {
        return new HostView(procRoot, affinity, tasks);
    }

    /** {@return where procfs is mounted} */
    public Path procRoot() {
        return procRoot;
    }

    /** {@return how thread affinities are read and set} */
    public ThreadAffinity affinity() {
        return affinity;
    }

    /**
     * {@return the tasks of {@code pid} now, with one look at procfs}
     *
     * @param pid a process id
     */
    public TaskListing tasksOf(int pid) {
        return tasks.apply(pid);
    }

    /**
     * Looks at a VMM's vCPUs now: lists its tasks, asks it for its vCPUs with that listing, and reads
     * the affinity of each vCPU thread that is one of its tasks.
     *
     * @param vmm the VMM
     * @return each vCPU, in index order
     * @throws IOException if the VMM cannot be asked
     */
    public List<VcpuStatus> observe(Vmm vmm) throws IOException {
        TaskListing listing = tasksOf(vmm.pid());
        return observe(vmm.vcpus(listing), listing);
    }

    /** Reads the affinities of reported vCPUs, checking each thread against {@code listing}. */
    List<VcpuStatus> observe(List<VcpuThread> reported, TaskListing listing) {
        List<VcpuThread> byIndex = reported.stream().sorted(Comparator.comparingInt(VcpuThread::index)).toList();
        List<Optional<CpuSet>> affinities = byIndex.stream().map(v -> affinityOf(v.threadId(), listing)).toList();
        List<Boolean> pinned = SandboxStatus.pinnedOfTheirOwn(affinities);
        return IntStream.range(0, byIndex.size())
                .mapToObj(i -> {
                    VcpuThread v = byIndex.get(i);
                    return new VcpuStatus(v.index(), v.threadId(), v.node(), affinities.get(i), pinned.get(i),
                            v.threadId() > 0 && listing.contains(v.threadId()));
                })
                .toList();
    }

    /**
     * A thread's affinity, unless it has no thread, is not one of the listed tasks (then it is not
     * read), or is gone.
     */
    Optional<CpuSet> affinityOf(int tid, TaskListing listing) {
        if (tid <= 0 || !listing.contains(tid)) {
            return Optional.empty();
        }
        return Optional.ofNullable(current(tid));
    }

    /** A thread's affinity now, or null when it cannot be read (a set that follows reports why). */
    CpuSet current(int tid) {
        try {
            return affinity.get(tid);
        } catch (AffinityException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "HostView[" + procRoot + "]";
    }
}
