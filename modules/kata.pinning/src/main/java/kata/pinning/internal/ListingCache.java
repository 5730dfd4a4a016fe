package kata.pinning.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import kata.pinning.TaskListing;
import kata.pinning.VcpuThread;

/**
 * The last answer of a built-in VMM, with the task listing it was found under: while a later listing
 * shows the same threads ({@link TaskListing#sameThreads}), no thread started or ended, so no vCPU
 * was plugged or unplugged, and the answer still holds. A failed query leaves nothing behind.
 */
final class ListingCache {

    /** Finds the vCPUs anew. */
    @FunctionalInterface
    interface Query {
        List<VcpuThread> vcpus(TaskListing tasks) throws IOException;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private TaskListing lastTasks;
    private List<VcpuThread> lastVcpus;

    /**
     * {@return the last answer if {@code tasks} shows the same threads, else the query's, kept}
     * Queries run one at a time.
     *
     * @param tasks the VMM's tasks, listed just before
     * @param query how to find the vCPUs when the listing changed
     * @throws IOException as the query throws it
     */
    List<VcpuThread> vcpus(TaskListing tasks, Query query) throws IOException {
        lock.lock();
        try {
            if (tasks.sameThreads(lastTasks)) {
                return lastVcpus;
            }
            List<VcpuThread> vcpus = query.vcpus(tasks);
            lastTasks = tasks;
            lastVcpus = vcpus;
            return vcpus;
        } finally {
            lock.unlock();
        }
    }
}
