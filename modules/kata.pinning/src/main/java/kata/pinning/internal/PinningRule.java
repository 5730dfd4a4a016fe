package kata.pinning.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import kata.pinning.VcpuThread;
import kata.pinning.cpuset.CpuSet;

/**
 * The pinning rule as a pure function: no I/O, no state, so properties can exercise it directly.
 *
 * <p>Kata's rule, with three corrections: vCPUs are matched to CPUs in vCPU index order even when
 * the indices have holes; two vCPUs on one thread never count as a match; and an empty union resets
 * to the VMM's own affinity instead of leaving threads pinned.
 */
public final class PinningRule {

    private PinningRule() {
    }

    /**
     * Decides what to do with the vCPU threads.
     *
     * @param enabled whether the sandbox allows pinning at all
     * @param vcpus the vCPUs the VMM reports, in any order; thread ids of 0 or less are ignored
     * @param union the union of the containers' cpusets
     * @param pinnedBefore whether an earlier pin may still restrict the threads (the threads are
     *     pinned, or were reset to a union that a later change must widen)
     * @param vmmAffinity the VMM process's own affinity, the reset target when {@code union} is
     *     empty; may be empty when pinning is disabled
     * @param lastApplied the plan of the last pin or reset in force, empty if none
     * @return the decision; {@link Decision.Unchanged} when the pin or reset it would apply has
     *     exactly the plan of {@code lastApplied}
     * @throws IllegalArgumentException if the decision is a reset to {@code vmmAffinity} and that is
     *     empty
     */
    public static Decision decide(boolean enabled, List<VcpuThread> vcpus, CpuSet union, boolean pinnedBefore,
                                  CpuSet vmmAffinity, Map<Integer, CpuSet> lastApplied) {
        Objects.requireNonNull(union, "union");
        Objects.requireNonNull(vmmAffinity, "vmmAffinity");
        Objects.requireNonNull(lastApplied, "lastApplied");
        if (!enabled) {
            return new Decision.Skip("vCPU pinning is disabled");
        }
        List<VcpuThread> threads = withThreads(vcpus);
        if (threads.isEmpty()) {
            return new Decision.Skip("no vCPU thread ids reported");
        }
        String mismatch = mismatch(threads, union);
        Decision decision;
        if (mismatch == null) {
            decision = pin(threads, union);
        } else if (!pinnedBefore) {
            return new Decision.Skip(mismatch + "; nothing pinned, nothing to undo");
        } else if (union.isEmpty()) {
            if (vmmAffinity.isEmpty()) {
                throw new IllegalArgumentException("cannot reset to the VMM's own affinity: it is unknown");
            }
            decision = new Decision.Reset(distinctThreads(threads), vmmAffinity, true,
                    mismatch + "; reset to the VMM's own affinity " + vmmAffinity);
        } else {
            decision = new Decision.Reset(distinctThreads(threads), union, false,
                    mismatch + "; reset to the union " + union);
        }
        return decision.plan().equals(lastApplied) ? new Decision.Unchanged(decision) : decision;
    }

    /**
     * {@return the vCPUs that have a thread of their own (thread id above 0), by index}
     *
     * @param vcpus the vCPUs as the VMM reports them
     */
    public static List<VcpuThread> withThreads(List<VcpuThread> vcpus) {
        return vcpus.stream()
                .filter(v -> v.threadId() > 0)
                .sorted(Comparator.comparingInt(VcpuThread::index))
                .toList();
    }

    /** {@return why a one-to-one pin is impossible, or null when it is possible} */
    private static String mismatch(List<VcpuThread> threads, CpuSet union) {
        Map<Integer, VcpuThread> owner = new HashMap<>();
        for (VcpuThread vcpu : threads) {
            VcpuThread first = owner.putIfAbsent(vcpu.threadId(), vcpu);
            if (first != null) {
                return "vCPUs " + first.index() + " and " + vcpu.index() + " share thread " + vcpu.threadId();
            }
        }
        if (union.isEmpty()) {
            return "no container has a cpuset";
        }
        if (threads.size() != union.size()) {
            return counts(threads, union);
        }
        return null;
    }

    private static Decision.Pin pin(List<VcpuThread> threads, CpuSet union) {
        List<Assignment> assignments = new ArrayList<>(threads.size());
        for (int i = 0; i < threads.size(); i++) {
            VcpuThread vcpu = threads.get(i);
            assignments.add(new Assignment(vcpu.index(), vcpu.threadId(), union.nth(i)));
        }
        return new Decision.Pin(assignments, counts(threads, union) + ": one vCPU per CPU");
    }

    /** {@return for example "1 vCPU for 2 CPUs (0-1)"} */
    static String counts(List<VcpuThread> threads, CpuSet union) {
        return plural(threads.size(), "vCPU") + " for " + plural(union.size(), "CPU") + " (" + union + ")";
    }

    private static String plural(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    private static List<Integer> distinctThreads(List<VcpuThread> threads) {
        return threads.stream().map(VcpuThread::threadId).distinct().toList();
    }
}
