package kata.pinning.internal;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import kata.pinning.Vmm;

/**
 * A built-in VMM that lists its process's tasks whenever it is asked for its vCPUs, as
 * {@link QemuVmm} does to tell whether its last answer still holds. The confused-deputy check,
 * which runs right after that question in the same step, reuses the listing instead of scanning
 * {@code <proc root>/<pid>/task} a second time. Only the project's own VMMs implement this: the
 * listing is read from procfs by our code, never taken from the VMM process.
 */
public interface ListsOwnTasks {

    /**
     * {@return the tasks listed by the last {@code vcpus()} call, if it listed them under
     * {@code procRoot}; empty when it did not, or the listing failed}
     *
     * @param procRoot the proc root the check reads
     */
    Optional<Set<Integer>> tasksListedUnder(Path procRoot);

    /**
     * {@return the task table of the check for {@code vmm}: its own last listing for its pid when it
     * has one under {@code procRoot}, else {@code procfs}}
     *
     * @param vmm the VMM, which may or may not list its tasks
     * @param procfs the table that scans {@code procRoot}
     */
    static TaskTable reusingListing(Vmm vmm, ProcTasks procfs) {
        if (!(vmm instanceof ListsOwnTasks lists)) {
            return procfs;
        }
        return pid -> pid == vmm.pid()
                ? lists.tasksListedUnder(procfs.root()).orElseGet(() -> procfs.tasksOf(pid))
                : procfs.tasksOf(pid);
    }
}
