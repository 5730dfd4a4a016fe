package kata.pinning.internal;

import java.util.Set;

/**
 * Which threads a process has now: the ground truth for the confused-deputy check, which a VMM's
 * report is never taken for. {@link ProcTasks} reads it from procfs; tests pass a fake kernel's.
 */
@FunctionalInterface
public interface TaskTable {

    /**
     * {@return the thread ids of process {@code pid}; empty when the process is gone or its tasks
     * cannot be listed, so that none of its threads is vouched for}
     *
     * @param pid a process id, greater than 0
     */
    Set<Integer> tasksOf(int pid);
}
