package kata.pinning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import kata.pinning.affinity.AffinityException;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.internal.Plan;
import kata.pinning.internal.TaskTable;
import kata.pinning.internal.VcpuPlacement;

/**
 * Applies a {@link Plan} to the kernel: checks every thread against the VMM's tasks, reads each
 * thread's affinity, and sets only the threads whose affinity differs from the plan. A plan already
 * in force therefore costs no set call, with no special case for it.
 */
final class Reconciler {

    /**
     * What applying a plan did.
     *
     * @param sets how many threads were set
     * @param failure the failure, if a set failed; the other threads were still set
     * @param undone for a failed plan with pins: whether every thread went back to the union
     */
    record Result(int sets, Optional<PinningException> failure, boolean undone) {
    }

    private final Vmm vmm;
    private final TaskTable tasks;
    private final ThreadAffinity affinity;

    Reconciler(Vmm vmm, TaskTable tasks, ThreadAffinity affinity) {
        this.vmm = vmm;
        this.tasks = tasks;
        this.affinity = affinity;
    }

    /**
     * Applies a plan that changes affinities.
     *
     * @param plan the plan; not {@link Plan.Effect#NONE}
     * @return what was done; on a failure with pins, every thread was set to the plan's union
     * @throws PinningException of kind {@link PinningException.Kind#FOREIGN_THREAD}, before any
     *     affinity is read or set, if a thread is not one of the VMM's tasks
     */
    Result apply(Plan plan) {
        Map<Integer, CpuSet> target = plan.byThread();
        requireVmmTasks(plan, target);
        Map<Integer, CpuSet> differing = new LinkedHashMap<>();
        target.forEach((tid, cpus) -> {
            if (!cpus.equals(current(tid))) {
                differing.put(tid, cpus);
            }
        });
        List<AffinityException> failures = setEach(differing);
        if (failures.isEmpty()) {
            return new Result(differing.size(), Optional.empty(), false);
        }
        if (plan.effect() == Plan.Effect.PINS) {
            return pinFailed(plan, failures.getFirst(), differing.size());
        }
        AffinityException first = failures.getFirst();
        PinningException failure = new PinningException(PinningException.Kind.AFFINITY,
                "cannot reset vCPU thread " + first.threadId() + " to " + target.get(first.threadId()) + ": "
                        + first.getMessage() + (failures.size() > 1 ? " (" + (failures.size() - 1) + " more threads failed)" : ""),
                first.threadId(), target.get(first.threadId()), first);
        failures.subList(1, failures.size()).forEach(failure::addSuppressed);
        return new Result(differing.size(), Optional.of(failure), false);
    }

    /** Undoes a partial placement by giving every vCPU thread the whole union, then describes the failure. */
    private Result pinFailed(Plan plan, AffinityException cause, int sets) {
        CpuSet union = plan.union();
        Map<Integer, CpuSet> undo = new LinkedHashMap<>();
        plan.byThread().keySet().forEach(tid -> undo.put(tid, union));
        List<AffinityException> undoFailures = setEach(undo);
        VcpuPlacement failed = plan.placements().stream().filter(p -> p.threadId() == cause.threadId())
                .findFirst().orElseThrow();
        String what = failed.pinned() ? "pin vCPU " + failed.vcpuIndex() + " (thread " + failed.threadId() + ") to CPU "
                : "place vCPU " + failed.vcpuIndex() + " (thread " + failed.threadId() + ") on CPUs ";
        PinningException failure = new PinningException(PinningException.Kind.AFFINITY,
                "cannot " + what + failed.cpus() + ": " + cause.getMessage() + (undoFailures.isEmpty()
                        ? "; every vCPU thread was reset to " + union
                        : "; resetting the vCPU threads to " + union + " failed too"),
                failed.threadId(), failed.cpus(), cause);
        undoFailures.forEach(failure::addSuppressed);
        return new Result(sets + undo.size(), Optional.of(failure), undoFailures.isEmpty());
    }

    /**
     * The confused-deputy guard: the runtime runs as root and the VMM is not trusted, so every thread
     * id it reported must be one of its own tasks, checked right before any system call.
     */
    private void requireVmmTasks(Plan plan, Map<Integer, CpuSet> target) {
        Set<Integer> own = vmmTasks();
        for (VcpuPlacement p : plan.placements()) {
            if (!own.contains(p.threadId())) {
                throw new PinningException(PinningException.Kind.FOREIGN_THREAD, "vCPU " + p.vcpuIndex()
                        + " reports thread " + p.threadId() + ", which is not a task of " + vmm
                        + "; no affinity was changed", p.threadId(), target.get(p.threadId()), null);
            }
        }
    }

    /** Sets each thread, going on past failures; returns them. */
    private List<AffinityException> setEach(Map<Integer, CpuSet> plan) {
        List<AffinityException> failures = new ArrayList<>();
        plan.forEach((tid, cpus) -> {
            try {
                affinity.set(tid, cpus);
            } catch (AffinityException e) {
                failures.add(e);
            }
        });
        return failures;
    }

    /** A thread's affinity now, or null when it cannot be read (the set that follows reports why). */
    private CpuSet current(int tid) {
        try {
            return affinity.get(tid);
        } catch (AffinityException e) {
            return null;
        }
    }

    /** {@return the VMM's process id} */
    int vmmPid() {
        return vmm.pid();
    }

    /** {@return the VMM process's threads now, with one look at the task table} */
    Set<Integer> vmmTasks() {
        return tasks.tasksOf(vmm.pid());
    }

    /**
     * A vCPU thread's affinity, unless it has no thread, is gone, or is not one of the VMM's
     * {@code own} tasks (then it is not read).
     */
    Optional<CpuSet> read(int tid, Set<Integer> own) {
        if (tid <= 0 || !own.contains(tid)) {
            return Optional.empty();
        }
        return Optional.ofNullable(current(tid));
    }
}
