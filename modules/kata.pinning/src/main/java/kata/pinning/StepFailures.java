package kata.pinning;

import java.util.Map;
import kata.pinning.affinity.AffinityException;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.internal.VcpuPlacement;

/** The exceptions of a failed reconcile, each naming the thread, its CPUs and what was done about it. */
final class StepFailures {

    private StepFailures() {
    }

    /** A thread the VMM reported that is not one of its tasks: nothing was changed. */
    static PinningException foreignThread(VcpuPlacement p, Vmm vmm) {
        return new PinningException(PinningException.Kind.FOREIGN_THREAD, "vCPU " + p.vcpuIndex() + " reports thread "
                + p.threadId() + ", which is not a task of " + vmm + "; no affinity was changed", p.threadId(), p.cpus(), null);
    }

    /**
     * A plan with pins failed on a thread, and its fallback put every thread on the union, or failed too.
     *
     * @param applied the plan with pins, as applied
     * @param undone its fallback, as applied
     */
    static PinningException pinFailed(Reconciler.Applied applied, Reconciler.Applied undone) {
        Map.Entry<Integer, AffinityException> first = applied.failed().entrySet().iterator().next();
        VcpuPlacement failed = applied.plan().placements().stream().filter(p -> p.threadId() == first.getKey())
                .findFirst().orElseThrow();
        CpuSet union = undone.plan().union();
        String what = failed.pinned() ? "pin vCPU " + failed.vcpuIndex() + " (thread " + failed.threadId() + ") to CPU "
                : "place vCPU " + failed.vcpuIndex() + " (thread " + failed.threadId() + ") on CPUs ";
        PinningException failure = new PinningException(PinningException.Kind.AFFINITY,
                "cannot " + what + failed.cpus() + ": " + first.getValue().getMessage() + (undone.succeeded()
                        ? "; every vCPU thread was reset to " + union
                        : "; resetting the vCPU threads to " + union + " failed too"),
                failed.threadId(), failed.cpus(), first.getValue());
        undone.failed().values().forEach(failure::addSuppressed);
        return failure;
    }

    /**
     * A plan of masks failed on some threads; the others were still set.
     *
     * @param applied the plan, as applied
     */
    static PinningException resetFailed(Reconciler.Applied applied) {
        Map<Integer, AffinityException> failures = applied.failed();
        Map.Entry<Integer, AffinityException> first = failures.entrySet().iterator().next();
        CpuSet target = applied.plan().byThread().get(first.getKey());
        PinningException failure = new PinningException(PinningException.Kind.AFFINITY,
                "cannot reset vCPU thread " + first.getKey() + " to " + target + ": " + first.getValue().getMessage()
                        + (failures.size() > 1 ? " (" + (failures.size() - 1) + " more threads failed)" : ""),
                first.getKey(), target, first.getValue());
        failures.values().stream().skip(1).forEach(failure::addSuppressed);
        return failure;
    }
}
