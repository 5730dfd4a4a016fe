package kata.pinning;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import kata.pinning.SandboxStatus.Outcome;
import kata.pinning.SandboxStatus.PinState;
import kata.pinning.SandboxStatus.VcpuStatus;
import kata.pinning.affinity.AffinityException;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cgroup.CgroupException;
import kata.pinning.cgroup.SandboxCgroup;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.internal.Assignment;
import kata.pinning.internal.Decision;
import kata.pinning.internal.PersistedState;
import kata.pinning.internal.PinningRule;
import kata.pinning.internal.Sleeper;
import kata.pinning.internal.TaskTable;

/**
 * The state of one sandbox and the steps that change it. Not thread-safe: {@link SandboxResources}
 * holds the one lock around it. Every step runs in the order Kata's {@code update_sandbox_cgroups}
 * does: fetch the vCPU threads, write the sandbox cgroup, then the pinning check.
 */
final class SandboxState {

    private static final System.Logger LOG = System.getLogger(SandboxResources.class.getName());

    /** Attempts to see {@code default_vcpus} threads, the first included, as in Kata. */
    static final int FETCH_ATTEMPTS = 10;
    /** The first wait between attempts; each further wait doubles. */
    static final Duration FIRST_BACKOFF = Duration.ofMillis(50);

    /**
     * The outside world the state acts on.
     *
     * @param vmm the VMM, whose reports are not trusted
     * @param tasks which threads the VMM process really has: the confused-deputy check
     * @param affinity reads and sets thread affinities
     * @param cgroup the sandbox cgroup
     * @param sleeper waits between vCPU fetch attempts
     */
    record Ports(Vmm vmm, TaskTable tasks, ThreadAffinity affinity, SandboxCgroup cgroup, Sleeper sleeper) {
    }

    private final Ports ports;
    private final boolean pinningEnabled;
    private final int defaultVcpus;
    private final boolean moveVmm;

    private Map<String, CpuResources> containers = new TreeMap<>();
    private boolean vmStarted;
    /** The VMM process's own affinity, taken when the VM started; empty before, or when pinning is off. */
    private CpuSet vmmAffinity = CpuSet.empty();
    private PinState pinState = PinState.UNPINNED;
    /** The plan of the pin or reset in force (thread id to CPUs); empty when unknown. */
    private Map<Integer, CpuSet> lastApplied = Map.of();
    private Outcome lastOutcome = Outcome.NONE;
    private String lastReason = "no pinning check yet";

    SandboxState(Ports ports, boolean pinningEnabled, int defaultVcpus, boolean moveVmm) {
        this.ports = ports;
        this.pinningEnabled = pinningEnabled;
        this.defaultVcpus = defaultVcpus;
        this.moveVmm = moveVmm;
    }

    /** Takes over a sandbox from its persisted state, reading the vCPU threads' affinities from the kernel. */
    static SandboxState restore(PersistedState saved, Ports ports, int defaultVcpus, boolean moveVmm) {
        SandboxState state = new SandboxState(ports, saved.pinningEnabled(), defaultVcpus, moveVmm);
        state.containers.putAll(saved.containers());
        state.vmStarted = saved.vmStarted();
        state.vmmAffinity = saved.vmmAffinity();
        state.pinState = saved.pinState();
        state.lastReason = "restored; no pinning check since";
        if (state.vmStarted && state.pinningEnabled) {
            state.readBackPinState();
        }
        return state;
    }

    void vmStarted() {
        if (vmStarted) {
            throw new IllegalStateException("vmStarted() was already called for this sandbox");
        }
        if (pinningEnabled) {
            vmmAffinity = readVmmAffinity();
        }
        vmStarted = true;
        LOG.log(INFO, "VM started: {0}, vCPU pinning {1}", ports.vmm(), pinningEnabled ? "enabled" : "disabled");
        step(true, null, moveVmm);
    }

    void update(ContainerEvent event) {
        String id = event.containerId();
        boolean known = containers.containsKey(id);
        switch (event) {
            case ContainerEvent.Added _ when known ->
                    throw new IllegalArgumentException("container " + id + " was already added");
            case ContainerEvent.Updated _ when !known ->
                    throw new IllegalArgumentException("no container " + id + " to update");
            case ContainerEvent.Deleted _ when !known ->
                    throw new IllegalArgumentException("no container " + id + " to delete");
            default -> {
                // a valid event: nothing changed yet
            }
        }
        Map<String, CpuResources> before = new TreeMap<>(containers);
        CpuResources unionBefore = union();
        switch (event) {
            case ContainerEvent.Added added -> containers.put(id, added.resources());
            case ContainerEvent.Updated updated -> containers.put(id, updated.resources());
            case ContainerEvent.Deleted _ -> containers.remove(id);
        }
        LOG.log(DEBUG, "{0}", event);
        try {
            // Unchanged cpusets (a CPU-quota-only update) skip the cgroup write, never the pinning check.
            step(!union().equals(unionBefore), unionBefore, false);
        } catch (RuntimeException e) {
            containers = before; // ADD removes, UPDATE and DEL restore the old entry
            throw e;
        }
    }

    SandboxStatus status() {
        List<VcpuStatus> vcpus = List.of();
        if (vmStarted) {
            List<VcpuThread> reported = query();
            Set<Integer> tasks = vmmTasks();
            vcpus = reported.stream()
                    .sorted(Comparator.comparingInt(VcpuThread::index))
                    .map(v -> new VcpuStatus(v.index(), v.threadId(), readAffinity(v.threadId(), tasks)))
                    .toList();
        }
        return new SandboxStatus(pinningEnabled, vmStarted, pinState, lastOutcome, lastReason, containers, union(), vcpus);
    }

    Outcome lastOutcome() {
        return lastOutcome;
    }

    String lastReason() {
        return lastReason;
    }

    PersistedState persisted() {
        return new PersistedState(pinningEnabled, vmStarted, vmmAffinity, pinState, containers);
    }

    void deleteCgroup() {
        try {
            ports.cgroup().delete();
        } catch (CgroupException e) {
            throw new PinningException(PinningException.Kind.CGROUP, "cannot remove the sandbox cgroup: " + e.getMessage(), e);
        }
    }

    /** {@return the pin plan in force, by thread id; for tests} */
    Map<Integer, CpuSet> lastApplied() {
        return lastApplied;
    }

    // --- the update step ---------------------------------------------------------------------

    /**
     * Runs one "update sandbox" step: vCPU threads, cgroup, pinning check. When it fails after the
     * cgroup was written, writes {@code rollbackTo} back (if given).
     */
    private void step(boolean writeCgroup, CpuResources rollbackTo, boolean moveVmmIn) {
        CpuResources union = union();
        try {
            List<VcpuThread> vcpus = vmStarted && pinningEnabled ? fetchVcpus() : List.of();
            boolean written = false;
            try {
                if (writeCgroup) {
                    applyCgroup(union);
                    written = true;
                }
                if (moveVmmIn) {
                    addVmmToCgroup();
                }
                reconcilePinning(vcpus, union.cpus());
            } catch (RuntimeException e) {
                if (written && rollbackTo != null) {
                    rollBackCgroup(rollbackTo, e);
                }
                throw e;
            }
        } catch (PinningException e) {
            lastOutcome = Outcome.FAILED;
            lastReason = e.getMessage();
            LOG.log(WARNING, "sandbox step failed: {0}", e.getMessage());
            throw e;
        }
    }

    /** Queries the vCPU threads, waiting with backoff while fewer than {@code default_vcpus} are visible. */
    private List<VcpuThread> fetchVcpus() {
        List<VcpuThread> vcpus = query();
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 2; visible(vcpus) < defaultVcpus && attempt <= FETCH_ATTEMPTS; attempt++) {
            LOG.log(INFO, "waiting {0} ms for vCPU threads: {1} of {2} visible, attempt {3} of {4}",
                    backoff.toMillis(), visible(vcpus), defaultVcpus, attempt, FETCH_ATTEMPTS);
            try {
                ports.sleeper().sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stop waiting, go on with what is visible
                break;
            }
            backoff = backoff.multipliedBy(2);
            vcpus = query();
        }
        if (visible(vcpus) < defaultVcpus) {
            LOG.log(WARNING, "only {0} of {1} vCPU threads visible; going on with those", visible(vcpus), defaultVcpus);
        }
        return vcpus;
    }

    private static int visible(List<VcpuThread> vcpus) {
        return PinningRule.withThreads(vcpus).size();
    }

    private List<VcpuThread> query() {
        try {
            return List.copyOf(ports.vmm().vcpus());
        } catch (IOException e) {
            throw new PinningException(PinningException.Kind.VMM_QUERY,
                    "cannot get the vCPU threads of " + ports.vmm() + ": " + e.getMessage(), e);
        }
    }

    private void applyCgroup(CpuResources union) {
        try {
            ports.cgroup().applyCpuset(union.cpus(), union.mems());
        } catch (CgroupException e) {
            throw new PinningException(PinningException.Kind.CGROUP,
                    "cannot set the sandbox cgroup's cpuset to " + union + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the previous union back; an empty one widens the cgroup to its parent's values again
     * (see {@link SandboxCgroup#applyCpuset}). Both writes may have recomputed the VMM's threads'
     * affinities (before Linux 6.2 the kernel gives every task all of the cgroup's CPUs), so the
     * plan in force is forgotten and the next check applies its plan again.
     */
    private void rollBackCgroup(CpuResources previous, RuntimeException failure) {
        lastApplied = Map.of();
        try {
            ports.cgroup().applyCpuset(previous.cpus(), previous.mems());
        } catch (CgroupException e) {
            failure.addSuppressed(e);
        }
    }

    private void addVmmToCgroup() {
        try {
            ports.cgroup().addProcess(ports.vmm().pid());
        } catch (CgroupException e) {
            throw new PinningException(PinningException.Kind.CGROUP,
                    "cannot move " + ports.vmm() + " into the sandbox cgroup: " + e.getMessage(), e);
        }
    }

    // --- the pinning check ---------------------------------------------------------------------

    private void reconcilePinning(List<VcpuThread> vcpus, CpuSet union) {
        if (!vmStarted) {
            record(Outcome.SKIPPED, "the VM has not started");
            return;
        }
        Decision decision = PinningRule.decide(
                pinningEnabled, vcpus, union, pinState != PinState.UNPINNED, vmmAffinity, lastApplied);
        switch (decision) {
            case Decision.Skip skip -> record(Outcome.SKIPPED, skip.reason());
            case Decision.Unchanged unchanged -> record(Outcome.UNCHANGED, unchanged.reason());
            case Decision.Pin pin -> {
                requireVmmTasks(pin.plan(), vcpus);
                pin(pin);
            }
            case Decision.Reset reset -> {
                requireVmmTasks(reset.plan(), vcpus);
                reset(reset);
            }
        }
    }

    /**
     * The confused-deputy guard: the runtime runs as root and QEMU is not trusted, so every thread
     * id QEMU reported must be one of QEMU's own tasks, checked right before the system calls.
     */
    private void requireVmmTasks(Map<Integer, CpuSet> plan, List<VcpuThread> vcpus) {
        Set<Integer> tasks = vmmTasks();
        Optional<Integer> foreign = plan.keySet().stream().filter(tid -> !tasks.contains(tid)).findFirst();
        if (foreign.isPresent()) {
            int tid = foreign.get();
            String vcpu = vcpus.stream().filter(v -> v.threadId() == tid).map(v -> "vCPU " + v.index())
                    .findFirst().orElse("a vCPU");
            throw new PinningException(PinningException.Kind.FOREIGN_THREAD, vcpu + " reports thread " + tid
                    + ", which is not a task of " + ports.vmm() + "; no affinity was changed", tid, plan.get(tid), null);
        }
    }

    private void pin(Decision.Pin pin) {
        for (Assignment a : pin.assignments()) {
            try {
                ports.affinity().set(a.threadId(), CpuSet.of(a.cpu()));
            } catch (AffinityException e) {
                throw pinFailed(pin, a, e);
            }
        }
        pinState = PinState.PINNED;
        lastApplied = pin.plan();
        record(Outcome.PINNED, pin.reason());
    }

    /** Undoes a partial pin by resetting every vCPU thread to the union, then describes the failure. */
    private PinningException pinFailed(Decision.Pin pin, Assignment failed, AffinityException cause) {
        CpuSet union = pin.cpus();
        List<AffinityException> resetFailures = setEach(pin.plan().keySet(), union);
        lastApplied = Map.of();
        // Threads that could not be reset may still be pinned: keep a later check resetting them.
        pinState = resetFailures.isEmpty() ? PinState.RESET : PinState.PINNED;
        PinningException failure = new PinningException(PinningException.Kind.AFFINITY,
                "cannot pin vCPU " + failed.vcpuIndex() + " (thread " + failed.threadId() + ") to CPU " + failed.cpu()
                        + ": " + cause.getMessage() + (resetFailures.isEmpty()
                                ? "; every vCPU thread was reset to " + union
                                : "; resetting the vCPU threads to " + union + " failed too"),
                failed.threadId(), CpuSet.of(failed.cpu()), cause);
        resetFailures.forEach(failure::addSuppressed);
        return failure;
    }

    private void reset(Decision.Reset reset) {
        List<AffinityException> failures = setEach(reset.threadIds(), reset.cpus());
        if (!failures.isEmpty()) {
            lastApplied = Map.of(); // pinState stays: a later check tries the reset again
            AffinityException first = failures.getFirst();
            PinningException failure = new PinningException(PinningException.Kind.AFFINITY,
                    "cannot reset vCPU thread " + first.threadId() + " to " + reset.cpus() + ": " + first.getMessage()
                            + (failures.size() > 1 ? " (" + (failures.size() - 1) + " more threads failed)" : ""),
                    first.threadId(), reset.cpus(), first);
            failures.subList(1, failures.size()).forEach(failure::addSuppressed);
            throw failure;
        }
        pinState = reset.toVmmAffinity() ? PinState.UNPINNED : PinState.RESET;
        lastApplied = reset.plan();
        record(Outcome.RESET, reset.reason());
    }

    /** Sets every thread to {@code cpus}, going on past failures; returns them. */
    private List<AffinityException> setEach(Iterable<Integer> threadIds, CpuSet cpus) {
        List<AffinityException> failures = new ArrayList<>();
        for (int tid : threadIds) {
            try {
                ports.affinity().set(tid, cpus);
            } catch (AffinityException e) {
                failures.add(e);
            }
        }
        return failures;
    }

    private void record(Outcome outcome, String reason) {
        lastOutcome = outcome;
        lastReason = reason;
        LOG.log(outcome == Outcome.UNCHANGED ? DEBUG : INFO, "vCPU pinning {0}: {1}", outcome, reason);
    }

    // --- reading the kernel ----------------------------------------------------------------------

    private CpuSet readVmmAffinity() {
        int pid = ports.vmm().pid();
        try {
            return ports.affinity().get(pid);
        } catch (AffinityException e) {
            throw new PinningException(PinningException.Kind.AFFINITY,
                    "cannot read the affinity of " + ports.vmm() + ": " + e.getMessage(), pid, null, e);
        }
    }

    /** {@return the VMM process's threads now, with one look at the task table} */
    private Set<Integer> vmmTasks() {
        return ports.tasks().tasksOf(ports.vmm().pid());
    }

    /** A vCPU thread's affinity, unless it has no thread, is gone, or is not one of the VMM's {@code tasks}. */
    private Optional<CpuSet> readAffinity(int tid, Set<Integer> tasks) {
        if (tid <= 0 || !tasks.contains(tid)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ports.affinity().get(tid));
        } catch (AffinityException e) {
            return Optional.empty();
        }
    }

    /**
     * After a restore: takes the vCPU threads' real affinities as the plan in force, and trusts the
     * kernel over the file when it shows threads restricted that the file calls unpinned. A thread
     * is restricted when it runs on other CPUs than the VMM's main thread, which shares its cgroup
     * and is never pinned (unless it is a vCPU thread itself): in a cpuset cgroup the kernel clamps
     * both to the cgroup's CPUs.
     */
    private void readBackPinState() {
        Map<Integer, CpuSet> observed = new LinkedHashMap<>();
        List<VcpuThread> reported = PinningRule.withThreads(query());
        Set<Integer> tasks = vmmTasks();
        for (VcpuThread vcpu : reported) {
            if (!observed.containsKey(vcpu.threadId())) {
                readAffinity(vcpu.threadId(), tasks).ifPresent(cpus -> observed.put(vcpu.threadId(), cpus));
            }
        }
        lastApplied = Map.copyOf(observed);
        int pid = ports.vmm().pid();
        CpuSet unrestricted = observed.containsKey(pid) ? vmmAffinity : readAffinity(pid, tasks).orElse(vmmAffinity);
        boolean restricted = observed.values().stream().anyMatch(cpus -> !cpus.equals(unrestricted));
        if (pinState == PinState.UNPINNED && restricted) {
            pinState = isOneToOne(observed.values()) ? PinState.PINNED : PinState.RESET;
            LOG.log(WARNING, "persisted state says unpinned, but the kernel shows restricted vCPU threads {0}; taking them as {1}",
                    observed, pinState);
        }
    }

    private static boolean isOneToOne(Iterable<CpuSet> affinities) {
        Set<CpuSet> seen = new HashSet<>();
        for (CpuSet cpus : affinities) {
            if (cpus.size() != 1 || !seen.add(cpus)) {
                return false;
            }
        }
        return true;
    }

    private CpuResources union() {
        return containers.values().stream().reduce(CpuResources.NONE, CpuResources::union);
    }
}
