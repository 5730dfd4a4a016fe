package kata.pinning.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import kata.pinning.cpuset.CpuSet;

/**
 * What the pinning check does with the vCPU threads, as {@link PinningRule#decide} computes it. Only
 * {@link Pin} and {@link Reset} change affinities; their {@link #plan()} is what they apply.
 */
public sealed interface Decision {

    /** {@return why this decision was taken, for the log and the status view} */
    String reason();

    /**
     * {@return the affinity each thread gets, by thread id in vCPU index order; empty when no
     * affinity changes}
     */
    Map<Integer, CpuSet> plan();

    /**
     * Pin the i-th vCPU (by index) to the i-th smallest CPU of the union.
     *
     * @param assignments one per vCPU, in index order, with distinct threads and distinct CPUs
     * @param reason why
     */
    record Pin(List<Assignment> assignments, String reason) implements Decision {
        /** Copies the list. */
        public Pin {
            assignments = List.copyOf(assignments);
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Map<Integer, CpuSet> plan() {
            Map<Integer, CpuSet> plan = new LinkedHashMap<>();
            for (Assignment a : assignments) {
                plan.put(a.threadId(), CpuSet.of(a.cpu()));
            }
            return plan;
        }

        /** {@return the CPUs of the plan: the union the vCPUs are pinned into} */
        public CpuSet cpus() {
            return CpuSet.of(assignments.stream().mapToInt(Assignment::cpu).toArray());
        }
    }

    /**
     * Give every vCPU thread the same, wider set of CPUs, undoing an earlier pin.
     *
     * @param threadIds the distinct vCPU threads, in vCPU index order
     * @param cpus the union of the containers' cpusets, or the VMM's own affinity when that is empty
     * @param toVmmAffinity whether {@code cpus} is the VMM's own affinity rather than the union
     * @param reason why
     */
    record Reset(List<Integer> threadIds, CpuSet cpus, boolean toVmmAffinity, String reason) implements Decision {
        /** Copies the list. */
        public Reset {
            threadIds = List.copyOf(threadIds);
            Objects.requireNonNull(cpus, "cpus");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Map<Integer, CpuSet> plan() {
            Map<Integer, CpuSet> plan = new LinkedHashMap<>();
            for (int tid : threadIds) {
                plan.put(tid, cpus);
            }
            return plan;
        }
    }

    /**
     * Change nothing, because pinning is off or does not apply and nothing needs undoing.
     *
     * @param reason why
     */
    record Skip(String reason) implements Decision {
        /** Checks the reason. */
        public Skip {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Map<Integer, CpuSet> plan() {
            return Map.of();
        }
    }

    /**
     * Change nothing, because the {@link Pin} or {@link Reset} the rule chose is already in force.
     *
     * @param inForce the decision whose plan the threads already have
     */
    record Unchanged(Decision inForce) implements Decision {
        /** Accepts only a decision that changes affinities. */
        public Unchanged {
            if (!(inForce instanceof Pin || inForce instanceof Reset)) {
                throw new IllegalArgumentException("only a pin or a reset can be in force: " + inForce);
            }
        }

        @Override
        public String reason() {
            return "already in force: " + inForce.reason();
        }

        @Override
        public Map<Integer, CpuSet> plan() {
            return Map.of();
        }
    }
}
