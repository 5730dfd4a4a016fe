package kata.pinning;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import kata.pinning.affinity.AffinityException;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.internal.Plan;
import kata.pinning.internal.VcpuPlacement;

/**
 * Applies a {@link Plan} to the kernel and reports what happened to each thread: it reads each
 * thread's affinity and sets only the threads whose affinity differs from the plan, going on past a
 * failure. A plan already in force therefore costs no set call, with no special case for it. It
 * decides nothing: what to do after a failure is the planner's.
 */
final class Reconciler {

    /**
     * What applying a plan did.
     *
     * @param plan the plan
     * @param set the threads that were set, with the CPUs they got
     * @param failed the threads whose set failed, with the failure; the others were still set
     * @param kept how many threads had the plan's affinity already
     */
    record Applied(Plan plan, Map<Integer, CpuSet> set, Map<Integer, AffinityException> failed, int kept) {

        /** {@return whether every thread has its affinity in the plan now} */
        boolean succeeded() {
            return failed.isEmpty();
        }
    }

    private final HostView host;

    Reconciler(HostView host) {
        this.host = host;
    }

    /**
     * The confused-deputy guard: the runtime runs as root and the VMM is not trusted, so every thread
     * id it reported must be one of its own tasks in the step's listing, checked before any system call.
     *
     * @param plan the plan about to be applied
     * @param tasks the VMM's tasks as the step listed them
     * @return the first placement whose thread is not one of them
     */
    static Optional<VcpuPlacement> foreignThread(Plan plan, TaskListing tasks) {
        return plan.placements().stream().filter(p -> !tasks.contains(p.threadId())).findFirst();
    }

    /**
     * Applies a plan that changes affinities.
     *
     * @param plan the plan, whose threads the guard has checked
     * @return what each thread got
     */
    Applied apply(Plan plan) {
        return apply(plan, true);
    }

    /**
     * Applies a plan to every one of its threads, whatever affinity each has now: for the fallback
     * of a failed pin, which runs while the cgroup still has the failed step's union. A thread may
     * have that union only through the cgroup, which is written back right after; the fallback has
     * to become the thread's own mask, which the kernel keeps across that write.
     *
     * @param plan the plan, whose threads the guard has checked
     * @return what each thread got
     */
    Applied applyToEveryThread(Plan plan) {
        return apply(plan, false);
    }

    private Applied apply(Plan plan, boolean onlyDiffering) {
        Map<Integer, CpuSet> set = new LinkedHashMap<>();
        Map<Integer, AffinityException> failed = new LinkedHashMap<>();
        int kept = 0;
        for (Map.Entry<Integer, CpuSet> target : plan.byThread().entrySet()) {
            int tid = target.getKey();
            if (onlyDiffering && target.getValue().equals(host.current(tid))) {
                kept++;
                continue;
            }
            try {
                host.affinity().set(tid, target.getValue());
                set.put(tid, target.getValue());
            } catch (AffinityException e) {
                failed.put(tid, e);
            }
        }
        return new Applied(plan, set, failed, kept);
    }
}
