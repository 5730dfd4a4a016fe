package kata.pinning;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import kata.pinning.internal.Planner;
import kata.pinning.internal.Sleeper;

/**
 * Asks the VMM for its vCPU threads, waiting with backoff while fewer than {@code default_vcpus}
 * are visible, as Kata does while QEMU starts them: 50 ms, doubling, for up to 10 attempts, then
 * it goes on with those it sees. Each attempt lists the VMM's tasks once and hands that listing to
 * the VMM; the listing of the last attempt is the step's.
 */
final class VcpuFetch {

    private static final System.Logger LOG = System.getLogger(SandboxResources.class.getName());

    /** Attempts to see {@code default_vcpus} threads, the first included, as in Kata. */
    static final int ATTEMPTS = 10;
    /** The first wait between attempts; each further wait doubles. */
    static final Duration FIRST_BACKOFF = Duration.ofMillis(50);

    /**
     * The vCPUs of one step, with the listing they were asked with.
     *
     * @param tasks the VMM's tasks, listed just before the VMM was asked
     * @param vcpus the vCPUs the VMM reported
     */
    record Fetched(TaskListing tasks, List<VcpuThread> vcpus) {
        /** No vCPUs: the VM has not started, or pinning is off. */
        static final Fetched NONE = new Fetched(TaskListing.empty(0), List.of());
    }

    private final Sleeper sleeper;

    VcpuFetch(Sleeper sleeper) {
        this.sleeper = sleeper;
    }

    /** Fetches the vCPUs, waiting while fewer than {@code defaultVcpus} have a thread. */
    Fetched fetch(Vmm vmm, HostView host, int defaultVcpus) {
        TaskListing tasks = host.tasksOf(vmm.pid());
        List<VcpuThread> vcpus = query(vmm, tasks);
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 2; visible(vcpus) < defaultVcpus && attempt <= ATTEMPTS; attempt++) {
            LOG.log(INFO, "waiting {0} ms for vCPU threads: {1} of {2} visible, attempt {3} of {4}",
                    backoff.toMillis(), visible(vcpus), defaultVcpus, attempt, ATTEMPTS);
            try {
                sleeper.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stop waiting, go on with what is visible
                break;
            }
            backoff = backoff.multipliedBy(2);
            tasks = host.tasksOf(vmm.pid());
            vcpus = query(vmm, tasks);
        }
        if (visible(vcpus) < defaultVcpus) {
            LOG.log(WARNING, "only {0} of {1} vCPU threads visible; going on with those", visible(vcpus), defaultVcpus);
        }
        return new Fetched(tasks, vcpus);
    }

    /**
     * Asks the VMM once.
     *
     * @throws PinningException of kind {@link PinningException.Kind#VMM_QUERY} if it cannot be asked
     */
    List<VcpuThread> query(Vmm vmm, TaskListing tasks) {
        try {
            return List.copyOf(vmm.vcpus(tasks));
        } catch (IOException e) {
            throw new PinningException(PinningException.Kind.VMM_QUERY,
                    "cannot get the vCPU threads of " + vmm + ": " + e.getMessage(), e);
        }
    }

    private static int visible(List<VcpuThread> vcpus) {
        return Planner.withThreads(vcpus).size();
    }
}
