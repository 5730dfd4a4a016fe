package kata.pinning;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import kata.pinning.SandboxStatus.VcpuStatus;
import kata.pinning.affinity.AffinityException;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cgroup.CgroupException;
import kata.pinning.cgroup.SandboxCgroup;
import kata.pinning.config.PinningPolicy;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.internal.GuestNodes;
import kata.pinning.internal.PersistedState;
import kata.pinning.internal.PinningRule;
import kata.pinning.internal.Sleeper;
import kata.pinning.internal.TaskTable;

/**
 * The containers of one sandbox and the step that every change runs. Not thread-safe:
 * {@link SandboxResources} holds the one lock around it. Every step runs in the order Kata's
 * {@code update_sandbox_cgroups} does: fetch the vCPU threads, write the sandbox cgroup, then the
 * pinning check, which {@link PinningCheck} runs and records.
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

    /**
     * How the sandbox places its vCPUs.
     *
     * @param enabled whether pinning is allowed
     * @param policy the placement policy
     * @param nodes the guest NUMA nodes, {@link GuestNodes#NONE} without NUMA
     */
    record Placement(boolean enabled, PinningPolicy policy, GuestNodes nodes) {
    }

    private final Ports ports;
    private final int defaultVcpus;
    private final boolean moveVmm;
    private final PinningCheck check;

    private Map<String, CpuResources> containers = new TreeMap<>();
    private boolean vmStarted;

    SandboxState(Ports ports, Placement placement, int defaultVcpus, boolean moveVmm) {
        this.ports = ports;
        this.defaultVcpus = defaultVcpus;
        this.moveVmm = moveVmm;
        this.check = new PinningCheck(new Reconciler(ports.vmm(), ports.tasks(), ports.affinity()),
                placement.enabled(), placement.policy(), placement.nodes());
    }

    /**
     * Takes over a sandbox from its persisted state, reading the vCPU threads' affinities from the
     * kernel. The enable flag and the policy are the ones the sandbox was created with.
     */
    static SandboxState restore(PersistedState saved, Ports ports, GuestNodes nodes, int defaultVcpus, boolean moveVmm) {
        SandboxState state = new SandboxState(ports, new Placement(saved.pinningEnabled(), saved.policy(), nodes),
                defaultVcpus, moveVmm);
        state.containers.putAll(saved.containers());
        state.vmStarted = saved.vmStarted();
        state.check.restore(saved.vmmAffinity(), saved.pinState());
        if (state.vmStarted && state.check.enabled()) {
            state.check.readBack(state.query());
        }
        return state;
    }

    void vmStarted() {
        if (vmStarted) {
            throw new IllegalStateException("vmStarted() was already called for this sandbox");
        }
        if (check.enabled()) {
            check.vmStarted(readVmmAffinity());
        }
        vmStarted = true;
        LOG.log(INFO, "VM started: {0}, vCPU pinning {1}", ports.vmm(), check.enabled() ? "enabled" : "disabled");
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
            List<VcpuThread> reported = query().stream().sorted(Comparator.comparingInt(VcpuThread::index)).toList();
            Set<Integer> tasks = check.reconciler().vmmTasks();
            List<Optional<CpuSet>> affinities = reported.stream()
                    .map(v -> check.reconciler().read(v.threadId(), tasks)).toList();
            List<Boolean> pinned = SandboxStatus.pinnedOfTheirOwn(affinities);
            vcpus = IntStream.range(0, reported.size())
                    .mapToObj(i -> new VcpuStatus(reported.get(i).index(), reported.get(i).threadId(),
                            reported.get(i).node(), affinities.get(i), pinned.get(i)))
                    .toList();
        }
        return new SandboxStatus(check.enabled(), check.policy(), vmStarted, check.pinState(), check.lastOutcome(),
                check.lastReason(), containers, union(), vcpus);
    }

    SandboxStatus.Outcome lastOutcome() {
        return check.lastOutcome();
    }

    String lastReason() {
        return check.lastReason();
    }

    PersistedState persisted() {
        return new PersistedState(check.enabled(), check.policy(), vmStarted, check.vmmAffinity(), check.pinState(),
                containers);
    }

    void deleteCgroup() {
        try {
            ports.cgroup().delete();
        } catch (CgroupException e) {
            throw new PinningException(PinningException.Kind.CGROUP, "cannot remove the sandbox cgroup: " + e.getMessage(), e);
        }
    }

    // --- the update step ---------------------------------------------------------------------

    /**
     * Runs one "update sandbox" step: vCPU threads, cgroup, pinning check. When it fails after the
     * cgroup was written, writes {@code rollbackTo} back (if given).
     */
    private void step(boolean writeCgroup, CpuResources rollbackTo, boolean moveVmmIn) {
        CpuResources union = union();
        try {
            List<VcpuThread> vcpus = vmStarted && check.enabled() ? fetchVcpus() : List.of();
            boolean written = false;
            try {
                if (writeCgroup) {
                    applyCgroup(union);
                    written = true;
                }
                if (moveVmmIn) {
                    addVmmToCgroup();
                }
                if (vmStarted) {
                    check.run(vcpus, union.cpus());
                } else {
                    check.notStarted();
                }
            } catch (RuntimeException e) {
                if (written && rollbackTo != null) {
                    rollBackCgroup(rollbackTo, e);
                }
                throw e;
            }
        } catch (PinningException e) {
            check.failed(e);
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
     * affinities (before Linux 6.2 the kernel gives every task all of the cgroup's CPUs); the next
     * check reads them from the kernel and sets again whatever differs from its plan.
     */
    private void rollBackCgroup(CpuResources previous, RuntimeException failure) {
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

    private CpuSet readVmmAffinity() {
        int pid = ports.vmm().pid();
        try {
            return ports.affinity().get(pid);
        } catch (AffinityException e) {
            throw new PinningException(PinningException.Kind.AFFINITY,
                    "cannot read the affinity of " + ports.vmm() + ": " + e.getMessage(), pid, null, e);
        }
    }

    private CpuResources union() {
        return containers.values().stream().reduce(CpuResources.NONE, CpuResources::union);
    }
}
