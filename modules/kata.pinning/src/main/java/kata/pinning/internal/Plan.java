package kata.pinning.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import kata.pinning.cpuset.CpuSet;

/**
 * The whole result of a pinning check, as {@link Planner} computes it: for every vCPU with a thread,
 * its CPUs and whether that is a pin of its own; or nothing, when the check does not apply.
 *
 * @param effect what applying the plan does to the threads as a whole
 * @param placements one per vCPU with a thread, in vCPU index order; empty for {@link Effect#NONE}
 * @param union the containers' union the plan was made for, where a failed pin falls back to
 * @param reason why, for the log and the status view
 */
public record Plan(Effect effect, List<VcpuPlacement> placements, CpuSet union, String reason) {

    /** What a plan does to the vCPU threads as a whole. */
    public enum Effect {
        /** Nothing: pinning is off or does not apply, and nothing needs undoing. */
        NONE,
        /** At least one vCPU gets a CPU of its own; the others get sets of CPUs. */
        PINS,
        /** Every vCPU gets a set of CPUs: the union, its NUMA node's CPUs, or a mix. */
        MASKS,
        /** Every vCPU goes back to the VMM's own affinity: nothing stays restricted. */
        VMM_AFFINITY
    }

    /**
     * Copies the list and checks it agrees with the effect: a plan that changes nothing places no
     * vCPU. A plan of another effect places at least one, but for one taken over from a state that
     * recorded its effect and no vCPU it could still see.
     */
    public Plan {
        Objects.requireNonNull(effect, "effect");
        placements = List.copyOf(placements);
        Objects.requireNonNull(union, "union");
        Objects.requireNonNull(reason, "reason");
        if (effect == Effect.NONE && !placements.isEmpty()) {
            throw new IllegalArgumentException(effect + " plan with " + placements.size() + " placements");
        }
    }

    /**
     * {@return a plan that changes nothing}
     *
     * @param reason why
     */
    public static Plan none(String reason) {
        return new Plan(Effect.NONE, List.of(), CpuSet.empty(), reason);
    }

    /**
     * {@return the affinity each thread gets, by thread id in vCPU index order}; a thread that runs
     * several vCPUs appears once.
     */
    public Map<Integer, CpuSet> byThread() {
        Map<Integer, CpuSet> plan = new LinkedHashMap<>();
        for (VcpuPlacement p : placements) {
            plan.putIfAbsent(p.threadId(), p.cpus());
        }
        return plan;
    }

    /** {@return how many vCPUs got a CPU of their own} */
    public int pinnedCount() {
        return (int) placements.stream().filter(VcpuPlacement::pinned).count();
    }
}
