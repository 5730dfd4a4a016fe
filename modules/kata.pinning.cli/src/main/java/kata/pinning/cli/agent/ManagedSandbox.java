package kata.pinning.cli.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import kata.pinning.ContainerEvent;
import kata.pinning.CpuResources;
import kata.pinning.PinningException;
import kata.pinning.SandboxResources;
import kata.pinning.SandboxStatus;
import kata.pinning.TaskListing;
import kata.pinning.cgroup.CgroupException;
import kata.pinning.cgroup.SandboxCgroup;
import kata.pinning.cgroup.TaskCpuset;
import kata.pinning.cli.StatusView;
import kata.pinning.config.ConfigException;
import kata.pinning.config.PinningPolicy;
import kata.pinning.config.PodConfig;
import kata.pinning.cpuset.CpuSet;

/**
 * One sandbox the agent follows: its VMM, its sandbox cgroup's {@code cpuset.cpus}, and the
 * {@link SandboxResources} that places its vCPU threads for that union. The union stands for one
 * container, {@value #CONTAINER}, whose cpuset the runtime's writes change.
 *
 * <p>It never fights: when a re-check that saw neither the union nor the VMM's threads change had
 * to set affinities {@value #STRIKES} times, another writer keeps changing them (the runtime's own
 * pinning, or another tool), and the sandbox is left alone from then on.
 */
final class ManagedSandbox {

    /** The one container that stands for the union of the sandbox cgroup. */
    static final String CONTAINER = "sandbox-cgroup";
    /** How many re-checks that had to set affinities, with nothing changed, make the agent back off. */
    static final int STRIKES = 3;
    /**
     * Every how many re-checks one runs a whole step although neither the union nor the threads
     * changed: the backstop that sees an affinity changed under the agent. The others read only
     * the cgroup file and the task list.
     */
    static final int FULL_RECHECK_EVERY = 30;

    private final VmmProcess process;
    private final AgentContext context;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile SandboxState state = SandboxState.STARTING;
    private volatile String problem = "";
    private volatile int pinned;
    private volatile int floating;
    private VmmOpener.Opened vmm;
    private SandboxResources sandbox;
    private CountingAffinity affinity;
    private TaskCpuset cpuset;
    private CpuSet union = CpuSet.empty();
    private TaskListing tasks;
    private String policy = PinningPolicy.EXACT.configName();
    private int strikes;
    private int quietRechecks;

    ManagedSandbox(VmmProcess process, AgentContext context) {
        this.process = process;
        this.context = context;
        if (!process.isSandbox()) {
            state = SandboxState.NOT_KATA;
            problem = "no sandbox id on its command line";
        }
    }

    /**
     * Takes the sandbox over: its settings, its VMM, the plan the kernel shows, its cgroup, and the
     * first step for its union. A failure leaves it {@link State#FAILED}, to be tried again.
     *
     * @return the first step's decision, unless pinning is off or it failed before the step
     */
    Optional<Decision> start() {
        lock.lock();
        try {
            if (state == SandboxState.NOT_KATA) {
                return Optional.empty();
            }
            PodConfig pod = context.settings().forSandbox(process.sandboxId());
            if (!pod.pinning().enabled()) {
                state = SandboxState.DISABLED;
                problem = "vCPU pinning is disabled (" + pod.pinning().source().name().toLowerCase(Locale.ROOT) + ")";
                return Optional.empty();
            }
            policy = (context.policy() != null ? context.policy() : pod.base().policy().policy()).configName();
            closeVmm();
            vmm = context.vmms().open(process.commandLine().kind(), process.pid(), process.commandLine().qmpSocket());
            affinity = new CountingAffinity(context.kernel(), context.metrics()::affinitySet);
            sandbox = SandboxResources.builder().config(pod).policy(PinningPolicy.fromConfigName(policy))
                    .cgroup(SandboxCgroup.none()).vmm(vmm.vmm()).procRoot(context.procRoot())
                    .sysfsRoot(context.sysfsRoot()).affinity(affinity).takeOver();
            cpuset = locateCgroup();
            union = cpuset.cpus();
            tasks = TaskListing.read(context.procRoot(), process.pid());
            state = SandboxState.PINNING;
            problem = "";
            return Optional.of(step(new ContainerEvent.Added(CONTAINER, new CpuResources(union, CpuSet.empty())), "found"));
        } catch (ConfigException | IllegalArgumentException e) {
            return failed("config", e.getMessage());
        } catch (IOException e) {
            return failed("vcpu_source", e.getMessage());
        } catch (CgroupException e) {
            return failed("cgroup", e.getMessage());
        } catch (PinningException e) {
            return failed(e.kind().name(), e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reacts to a trigger: the cgroup's files changed, or a re-check is due. Reads the union and
     * the VMM's tasks, and runs a step unless a cgroup event left the union as it was.
     *
     * @param trigger {@code cgroup} or {@code recheck}
     * @return the step's decision, if one ran
     */
    Optional<Decision> react(String trigger) {
        lock.lock();
        try {
            if (state != SandboxState.PINNING) {
                return Optional.empty();
            }
            CpuSet now;
            try {
                now = cpuset.cpus();
            } catch (CgroupException e) {
                cpuset = locateCgroup(); // the VMM's threads may have moved to another cgroup
                now = cpuset.cpus();
            }
            TaskListing listing = TaskListing.read(context.procRoot(), process.pid());
            boolean unionChanged = !now.equals(union);
            boolean threadsChanged = !listing.sameThreads(tasks);
            if (!unionChanged && trigger.equals("cgroup")) {
                return Optional.empty(); // another file of the cgroup changed
            }
            if (!unionChanged && !threadsChanged && trigger.equals("recheck") && ++quietRechecks < FULL_RECHECK_EVERY) {
                return Optional.empty(); // the cheap re-check: nothing that would change the plan changed
            }
            quietRechecks = 0;
            union = now;
            tasks = listing;
            Decision decision = step(new ContainerEvent.Updated(CONTAINER, new CpuResources(now, CpuSet.empty())), trigger);
            watchForFights(decision, unionChanged || threadsChanged);
            return Optional.of(decision);
        } catch (CgroupException e) {
            return failed("cgroup", e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    /** Counts a re-check that set affinities although nothing changed; backs off after {@value #STRIKES}. */
    private void watchForFights(Decision decision, boolean somethingChanged) {
        if (somethingChanged || decision.decision().equals("failed")) {
            strikes = 0;
        } else if (decision.sets() > 0 && ++strikes >= STRIKES) {
            state = SandboxState.BACKED_OFF;
            problem = "its vCPU affinities were changed under the agent " + STRIKES
                    + " times with no change of the union (" + union + "): another writer pins them";
            context.log().event("warning", "backed-off", process.sandboxId(), process.pid(), problem);
        }
    }

    /** Runs one step, timing it and counting its set calls, and records its decision. */
    private Decision step(ContainerEvent event, String trigger) {
        long start = System.nanoTime();
        long setsBefore = affinity.sets();
        String decisionName;
        String reason;
        try {
            sandbox.update(event);
            decisionName = StatusView.decisionOf(sandbox.lastOutcome());
            reason = sandbox.lastReason();
        } catch (PinningException e) {
            decisionName = "failed";
            reason = e.getMessage();
            if (alive()) {
                context.metrics().error(e.kind().name());
            }
        }
        Decision decision = new Decision(process.sandboxId(), process.pid(), union.toString(), policy, decisionName, reason,
                trigger, affinity.sets() - setsBefore, System.nanoTime() - start);
        context.metrics().reconciled(decision);
        if (decision.sets() > 0 || !trigger.equals("recheck") || context.verbose()) {
            refreshCounts();
            context.log().decision(decision);
        }
        return decision;
    }

    /** Counts the vCPUs with a CPU of their own and those without, for the metrics. */
    private void refreshCounts() {
        try {
            SandboxStatus status = sandbox.status();
            pinned = (int) status.vcpus().stream().filter(SandboxStatus.VcpuStatus::pinned).count();
            floating = status.vcpus().size() - pinned;
        } catch (PinningException e) {
            // the VMM cannot be asked now: the counts stay as they were until the next step
        }
    }

    /** The cgroup of the VMM's first vCPU thread: the sandbox cgroup, which the runtime writes the union into. */
    private TaskCpuset locateCgroup() {
        int tid = sandbox.status().vcpus().stream().filter(v -> v.vmmTask() && v.threadId() > 0)
                .mapToInt(SandboxStatus.VcpuStatus::threadId).findFirst()
                .orElseThrow(() -> new CgroupException("the VMM reports no vCPU thread of its own, so its sandbox cgroup "
                        + "cannot be found", context.procRoot().resolve(Integer.toString(process.pid())), "", null));
        return TaskCpuset.of(context.procRoot(), context.sysfsRoot(), process.pid(), tid);
    }

    private Optional<Decision> failed(String cause, String message) {
        boolean news = state != SandboxState.FAILED || !message.equals(problem);
        state = SandboxState.FAILED;
        problem = message;
        if (news && alive()) {
            context.metrics().error(cause);
            context.log().event("error", "failed", process.sandboxId(), process.pid(), message);
        }
        return Optional.empty();
    }

    /** {@return whether the VMM process is still the one found: same pid, same start time} */
    boolean alive() {
        return ProcessStat.read(context.procRoot(), process.pid()).map(s -> s.startTime() == process.startTime()).orElse(false);
    }

    /** {@return true if no trigger was waiting: the caller then runs one; false when one is queued already} */
    boolean enqueue() {
        return queued.compareAndSet(false, true);
    }

    /** Marks the queued trigger as taken, before it runs, so that a new one can queue behind it. */
    void dequeue() {
        queued.set(false);
    }

    /** {@return the sandbox's status now, for {@code --once}; empty unless its vCPUs are placed} */
    Optional<SandboxStatus> status() {
        lock.lock();
        try {
            return sandbox == null || state != SandboxState.PINNING && state != SandboxState.BACKED_OFF ? Optional.empty()
                    : Optional.of(sandbox.status());
        } catch (PinningException e) {
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** {@return the directory to watch for the runtime's writes, once the sandbox cgroup is known} */
    Optional<Path> cgroupDirectory() {
        TaskCpuset known = cpuset;
        return state == SandboxState.PINNING && known != null ? Optional.of(known.directory()) : Optional.empty();
    }

    /** Lets go of the VMM: its QMP connection, if any. Affinities stay as they are. */
    void close() {
        lock.lock();
        try {
            closeVmm();
        } finally {
            lock.unlock();
        }
    }

    private void closeVmm() {
        if (vmm != null) {
            vmm.close().run();
            vmm = null;
        }
    }

    VmmProcess process() {
        return process;
    }

    SandboxState state() {
        return state;
    }

    String problem() {
        return problem;
    }

    String source() {
        VmmOpener.Opened opened = vmm;
        return opened == null ? null : opened.source();
    }

    int vcpusPinned() {
        return state == SandboxState.PINNING ? pinned : 0;
    }

    int vcpusFloating() {
        return state == SandboxState.PINNING ? floating : 0;
    }
}
