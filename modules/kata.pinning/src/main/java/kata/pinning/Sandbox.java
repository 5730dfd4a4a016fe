package kata.pinning;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.util.List;
import java.util.Optional;
import kata.pinning.SandboxStatus.Outcome;
import kata.pinning.SandboxStatus.PinState;
import kata.pinning.SandboxStatus.VcpuStatus;
import kata.pinning.affinity.AffinityException;
import kata.pinning.cgroup.CgroupException;
import kata.pinning.cgroup.SandboxCgroup;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.internal.GuestNodes;
import kata.pinning.internal.Plan;
import kata.pinning.internal.Planner;
import kata.pinning.internal.SandboxSettings;
import kata.pinning.internal.SandboxSnapshot;
import kata.pinning.internal.SnapshotJson;
import kata.pinning.internal.Takeover;
import kata.pinning.internal.VcpuPlacement;

/**
 * One sandbox's operations: each computes the next {@link SandboxSnapshot}, runs the effects
 * (the vCPU fetch, the cgroup write, the reconcile), and keeps the snapshot that results. Not
 * thread-safe: {@link SandboxResources} holds the one lock around it.
 *
 * <p>Every step runs in the order Kata's {@code update_sandbox_cgroups} does: fetch the vCPU threads
 * (listing the VMM's tasks once, for the VMM's cache and the guard alike), plan, write the sandbox
 * cgroup, then reconcile. A step that fails after the cgroup write writes the previous union back.
 */
final class Sandbox {

    private static final System.Logger LOG = System.getLogger(SandboxResources.class.getName());

    /**
     * The outside world one sandbox acts on.
     *
     * @param vmm the VMM, whose reports are not trusted
     * @param host the proc root and the kernel's affinities
     * @param cgroup the sandbox cgroup
     * @param fetch how the step waits for the vCPU threads
     * @param moveVmm whether the VM start moves the VMM process into the sandbox cgroup
     */
    record Wiring(Vmm vmm, HostView host, SandboxCgroup cgroup, VcpuFetch fetch, boolean moveVmm) {
    }

    private final Wiring wiring;
    private final SandboxSettings settings;
    private final GuestNodes nodes;
    private final Reconciler reconciler;
    private SandboxSnapshot snapshot;

    Sandbox(Wiring wiring, SandboxSettings settings, GuestNodes nodes, SandboxSnapshot snapshot) {
        this.wiring = wiring;
        this.settings = settings;
        this.nodes = nodes;
        this.reconciler = new Reconciler(wiring.host());
        this.snapshot = snapshot;
    }

    /** Takes over a persisted sandbox: what the kernel shows may stand for the plan in force. */
    static Sandbox restore(Wiring wiring, SnapshotJson.Persisted saved, GuestNodes nodes) {
        Sandbox sandbox = new Sandbox(wiring, saved.settings(), nodes, saved.snapshot());
        if (saved.snapshot().vmStarted() && saved.settings().pinningEnabled()) {
            sandbox.takeOverFromKernel(saved.legacyPinState());
        }
        return sandbox;
    }

    /**
     * Takes over the sandbox of a VM that runs already: started, with the VMM's affinity of now, and
     * the affinities the kernel shows as the plan in force when they are restricted.
     */
    static Sandbox running(Wiring wiring, SandboxSettings settings, GuestNodes nodes) {
        Sandbox sandbox = new Sandbox(wiring, settings, nodes, SandboxSnapshot.NEW.started());
        if (settings.pinningEnabled()) {
            sandbox.snapshot = sandbox.snapshot.withVmmAffinity(sandbox.readVmmAffinity());
            sandbox.takeOverFromKernel(Optional.empty());
        }
        return sandbox;
    }

    private void takeOverFromKernel(Optional<PinState> legacyPinState) {
        TaskListing tasks = wiring.host().tasksOf(wiring.vmm().pid());
        List<VcpuStatus> observed = wiring.host().observe(wiring.fetch().query(wiring.vmm(), tasks), tasks);
        int pid = wiring.vmm().pid();
        CpuSet vmmAffinity = snapshot.vmmAffinity();
        CpuSet unrestricted = observed.stream().anyMatch(v -> v.threadId() == pid) ? vmmAffinity
                : wiring.host().affinityOf(pid, tasks).orElse(vmmAffinity);
        SandboxSnapshot found = Takeover.withKernel(snapshot, legacyPinState, observed, unrestricted);
        if (found != snapshot) {
            LOG.log(WARNING, "{0}: the state says {1}; taking the vCPU affinities the kernel shows as {2}",
                    wiring.vmm(), legacyPinState.orElse(snapshot.pinState()), found.pinState());
        }
        snapshot = found;
    }

    void vmStarted() {
        if (snapshot.vmStarted()) {
            throw new IllegalStateException("vmStarted() was already called for this sandbox");
        }
        snapshot = snapshot.started(); // even if the step fails, the VM runs
        LOG.log(INFO, "VM started: {0}, vCPU pinning {1}", wiring.vmm(), settings.pinningEnabled() ? "enabled" : "disabled");
        step(snapshot, true, null, wiring.moveVmm());
    }

    void update(ContainerEvent event) {
        SandboxSnapshot next = snapshot.with(event);
        LOG.log(DEBUG, "{0}", event);
        CpuResources unionBefore = snapshot.union();
        // Unchanged cpusets (a CPU-quota-only update) skip the cgroup write, never the pinning check.
        step(next, !next.union().equals(unionBefore), unionBefore, false);
    }

    SandboxStatus status() {
        List<VcpuStatus> vcpus = List.of();
        if (snapshot.vmStarted()) {
            TaskListing tasks = wiring.host().tasksOf(wiring.vmm().pid());
            vcpus = wiring.host().observe(wiring.fetch().query(wiring.vmm(), tasks), tasks);
        }
        return new SandboxStatus(settings.pinningEnabled(), settings.policy(), snapshot.vmStarted(), snapshot.pinState(),
                snapshot.outcome(), snapshot.reason(), snapshot.containers(), snapshot.union(), vcpus);
    }

    SandboxSnapshot snapshot() {
        return snapshot;
    }

    SandboxSettings settings() {
        return settings;
    }

    Wiring wiring() {
        return wiring;
    }

    GuestNodes nodes() {
        return nodes;
    }

    String persist() {
        return SnapshotJson.write(settings, snapshot);
    }

    void deleteCgroup() {
        try {
            wiring.cgroup().delete();
        } catch (CgroupException e) {
            throw new PinningException(PinningException.Kind.CGROUP, "cannot remove the sandbox cgroup: " + e.getMessage(), e);
        }
    }

    // --- the step -------------------------------------------------------------------------------

    /**
     * Runs one step towards {@code next}: on success {@code next} with the check's result becomes
     * the snapshot; on failure the current snapshot stays (with the VM started, if this step starts
     * it), with what the kernel holds now and the failure, and the cgroup gets {@code rollbackTo}
     * back (when given) if it was written.
     */
    private void step(SandboxSnapshot next, boolean writeCgroup, CpuResources rollbackTo, boolean moveVmmIn) {
        boolean checks = next.vmStarted() && settings.pinningEnabled();
        SandboxSnapshot kept = snapshot;
        Plan inForce = kept.inForce();
        Rollback rollback = new Rollback(writeCgroup ? rollbackTo : null);
        try {
            if (checks && next.vmmAffinity().isEmpty()) { // at the VM start, or again after that read failed
                CpuSet vmmAffinity = readVmmAffinity();
                next = next.withVmmAffinity(vmmAffinity);
                kept = kept.withVmmAffinity(vmmAffinity);
            }
            VcpuFetch.Fetched vcpus = checks ? wiring.fetch().fetch(wiring.vmm(), wiring.host(), settings.defaultVcpus())
                    : VcpuFetch.Fetched.NONE;
            Plan plan = next.vmStarted() ? Planner.plan(request(next, vcpus)) : Plan.none("the VM has not started");
            if (writeCgroup) {
                applyCgroup(next.union());
                rollback.armed = true;
            }
            if (moveVmmIn) {
                addVmmToCgroup();
            }
            if (plan.effect() == Plan.Effect.NONE) {
                record(next.checked(plan, next.inForce(), Outcome.SKIPPED, plan.reason()));
                return;
            }
            Optional<VcpuPlacement> foreign = Reconciler.foreignThread(plan, vcpus.tasks());
            if (foreign.isPresent()) {
                throw StepFailures.foreignThread(foreign.get(), wiring.vmm());
            }
            Reconciler.Applied applied = reconciler.apply(plan);
            if (applied.succeeded()) {
                record(next.checked(plan, plan, applied.set().isEmpty() ? Outcome.UNCHANGED
                                : plan.effect() == Plan.Effect.PINS ? Outcome.PLACED : Outcome.WIDENED,
                        applied.set().isEmpty() ? "already in force: " + plan.reason() : plan.reason()));
                return;
            }
            if (plan.effect() != Plan.Effect.PINS) { // a failed reset keeps the plan before: a later check tries again
                throw StepFailures.resetFailed(applied);
            }
            Reconciler.Applied undone = reconciler.applyToEveryThread(Planner.fallback(plan));
            // Threads that could not be reset may still be pinned: then a later check must reset them.
            inForce = undone.succeeded() ? undone.plan() : plan;
            throw StepFailures.pinFailed(applied, undone);
        } catch (PinningException e) {
            rollback.run();
            rollback.failure().ifPresent(e::addSuppressed);
            snapshot = kept.failed(inForce, e.getMessage());
            LOG.log(WARNING, "sandbox step failed: {0}", e.getMessage());
            throw e;
        }
    }

    private void record(SandboxSnapshot checked) {
        snapshot = checked;
        LOG.log(checked.outcome() == Outcome.UNCHANGED ? DEBUG : INFO, "vCPU pinning {0}: {1}",
                checked.outcome(), checked.reason());
    }

    private Planner.Request request(SandboxSnapshot next, VcpuFetch.Fetched vcpus) {
        return new Planner.Request(settings.pinningEnabled(), settings.policy(), vcpus.vcpus(), next.union().cpus(),
                nodes, next.vmmAffinity(), next.pinState() != PinState.UNPINNED);
    }

    /** Writes the previous union back once, if the step wrote the cgroup and then failed. */
    private final class Rollback {
        private final CpuResources previous;
        private CgroupException failure;
        boolean armed;

        Rollback(CpuResources previous) {
            this.previous = previous;
        }

        /**
         * Writes the previous union back; an empty one widens the cgroup to its parent's values
         * again (see {@link SandboxCgroup#applyCpuset}). Both writes may have recomputed the VMM's
         * threads' affinities (before Linux 6.2 the kernel gives every task all of the cgroup's
         * CPUs); the next check reads them from the kernel and sets again whatever differs.
         */
        void run() {
            if (!armed || previous == null) {
                return;
            }
            armed = false;
            try {
                wiring.cgroup().applyCpuset(previous.cpus(), previous.mems());
            } catch (CgroupException e) {
                failure = e;
            }
        }

        /** {@return the failure of the write back, to be suppressed in the step's own} */
        Optional<CgroupException> failure() {
            return Optional.ofNullable(failure);
        }
    }

    private void applyCgroup(CpuResources union) {
        try {
            wiring.cgroup().applyCpuset(union.cpus(), union.mems());
        } catch (CgroupException e) {
            throw new PinningException(PinningException.Kind.CGROUP,
                    "cannot set the sandbox cgroup's cpuset to " + union + ": " + e.getMessage(), e);
        }
    }

    private void addVmmToCgroup() {
        try {
            wiring.cgroup().addProcess(wiring.vmm().pid());
        } catch (CgroupException e) {
            throw new PinningException(PinningException.Kind.CGROUP,
                    "cannot move " + wiring.vmm() + " into the sandbox cgroup: " + e.getMessage(), e);
        }
    }

    private CpuSet readVmmAffinity() {
        int pid = wiring.vmm().pid();
        try {
            return wiring.host().affinity().get(pid);
        } catch (AffinityException e) {
            throw new PinningException(PinningException.Kind.AFFINITY,
                    "cannot read the affinity of " + wiring.vmm() + ": " + e.getMessage(), pid, null, e);
        }
    }
}
