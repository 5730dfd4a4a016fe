package kata.pinning;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kata.pinning.SandboxStatus.Outcome;
import kata.pinning.SandboxStatus.PinState;
import kata.pinning.config.PinningPolicy;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.internal.GuestNodes;
import kata.pinning.internal.Plan;
import kata.pinning.internal.Planner;
import kata.pinning.internal.PinningRule;

/**
 * The pinning check of one sandbox and the state it keeps between checks: what the threads' pin
 * state is, and what the last check did and why. {@link Planner} decides, {@link Reconciler}
 * applies; this class only records.
 */
final class PinningCheck {

    private static final System.Logger LOG = System.getLogger(SandboxResources.class.getName());

    private final Reconciler reconciler;
    private final boolean enabled;
    private final PinningPolicy policy;
    private final GuestNodes nodes;
    /** The VMM process's own affinity, taken when the VM started; empty before, or when pinning is off. */
    private CpuSet vmmAffinity = CpuSet.empty();
    private PinState pinState = PinState.UNPINNED;
    private Outcome lastOutcome = Outcome.NONE;
    private String lastReason = "no pinning check yet";

    PinningCheck(Reconciler reconciler, boolean enabled, PinningPolicy policy, GuestNodes nodes) {
        this.reconciler = reconciler;
        this.enabled = enabled;
        this.policy = policy;
        this.nodes = nodes;
    }

    /** Takes over the state a persisted sandbox had; the last check is unknown. */
    void restore(CpuSet vmmAffinity, PinState pinState) {
        this.vmmAffinity = vmmAffinity;
        this.pinState = pinState;
        this.lastReason = "restored; no pinning check since";
    }

    void vmStarted(CpuSet vmmAffinity) {
        this.vmmAffinity = vmmAffinity;
    }

    /**
     * Runs the check: plans every vCPU thread's placement and applies what differs.
     *
     * @param vcpus the vCPUs the VMM reports
     * @param union the containers' union
     * @throws PinningException if a thread is foreign or an affinity cannot be set
     */
    void run(List<VcpuThread> vcpus, CpuSet union) {
        Plan plan = Planner.plan(new Planner.Request(enabled, policy, vcpus, union, nodes, vmmAffinity,
                pinState != PinState.UNPINNED));
        if (plan.effect() == Plan.Effect.NONE) {
            record(Outcome.SKIPPED, plan.reason());
            return;
        }
        Reconciler.Result result = reconciler.apply(plan);
        if (result.failure().isPresent()) {
            if (plan.effect() == Plan.Effect.PINS) {
                // Threads that could not be reset may still be pinned: keep a later check resetting them.
                pinState = result.undone() ? PinState.RESET : PinState.PINNED;
            }
            throw result.failure().get(); // a failed reset keeps the pin state: a later check tries again
        }
        pinState = switch (plan.effect()) {
            case PINS -> PinState.PINNED;
            case MASKS -> PinState.RESET;
            case VMM_AFFINITY, NONE -> PinState.UNPINNED;
        };
        if (result.sets() == 0) {
            record(Outcome.UNCHANGED, "already in force: " + plan.reason());
        } else {
            record(plan.effect() == Plan.Effect.PINS ? Outcome.PLACED : Outcome.WIDENED, plan.reason());
        }
    }

    /** Records a check that did not run because the VM has not started. */
    void notStarted() {
        record(Outcome.SKIPPED, "the VM has not started");
    }

    /** Records a failed step. */
    void failed(PinningException e) {
        lastOutcome = Outcome.FAILED;
        lastReason = e.getMessage();
        LOG.log(WARNING, "sandbox step failed: {0}", e.getMessage());
    }

    /**
     * After a restore: trusts the kernel over the file when it shows vCPU threads restricted that
     * the file calls unpinned. A thread is restricted when it runs on other CPUs than the VMM's main
     * thread: in a cpuset cgroup the kernel clamps both to the cgroup's CPUs.
     *
     * @param reported the vCPUs the VMM reports now
     */
    void readBack(List<VcpuThread> reported) {
        Map<Integer, CpuSet> observed = new LinkedHashMap<>();
        Set<Integer> tasks = reconciler.vmmTasks();
        for (VcpuThread vcpu : PinningRule.withThreads(reported)) {
            if (!observed.containsKey(vcpu.threadId())) {
                reconciler.read(vcpu.threadId(), tasks).ifPresent(cpus -> observed.put(vcpu.threadId(), cpus));
            }
        }
        // The VMM's main thread shares the cgroup's clamping and is never pinned (unless it runs a vCPU).
        int pid = reconciler.vmmPid();
        CpuSet unrestricted = observed.containsKey(pid) ? vmmAffinity : reconciler.read(pid, tasks).orElse(vmmAffinity);
        boolean restricted = observed.values().stream().anyMatch(cpus -> !cpus.equals(unrestricted));
        if (pinState == PinState.UNPINNED && restricted) {
            pinState = observed.values().stream().anyMatch(cpus -> cpus.size() == 1) && distinctSingles(observed.values())
                    ? PinState.PINNED : PinState.RESET;
            LOG.log(WARNING, "persisted state says unpinned, but the kernel shows restricted vCPU threads {0}; taking them as {1}",
                    observed, pinState);
        }
    }

    private static boolean distinctSingles(Iterable<CpuSet> affinities) {
        Set<CpuSet> seen = new HashSet<>();
        for (CpuSet cpus : affinities) {
            if (cpus.size() == 1 && !seen.add(cpus)) {
                return false;
            }
        }
        return true;
    }

    private void record(Outcome outcome, String reason) {
        lastOutcome = outcome;
        lastReason = reason;
        LOG.log(outcome == Outcome.UNCHANGED ? DEBUG : INFO, "vCPU pinning {0}: {1}", outcome, reason);
    }

    boolean enabled() {
        return enabled;
    }

    PinningPolicy policy() {
        return policy;
    }

    CpuSet vmmAffinity() {
        return vmmAffinity;
    }

    PinState pinState() {
        return pinState;
    }

    Outcome lastOutcome() {
        return lastOutcome;
    }

    String lastReason() {
        return lastReason;
    }

    Reconciler reconciler() {
        return reconciler;
    }
}
