package kata.pinning;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cgroup.SandboxCgroup;
import kata.pinning.config.CgroupConfig;
import kata.pinning.config.NumaConfig;
import kata.pinning.config.PinningPolicy;
import kata.pinning.config.PodConfig;
import kata.pinning.internal.Sleeper;
import kata.pinning.qmp.QmpClient;

/**
 * The CPU side of one sandbox: its containers' cpusets, the sandbox cgroup, and the pinning of the
 * VM's vCPU threads, as Kata's {@code enable_vcpus_pinning} does it.
 *
 * <p>After the VM starts and on every container event, one step runs: fetch the vCPU threads from
 * the VMM, plan their placement, write the union of the containers' cpusets to the sandbox cgroup,
 * then reconcile the threads' affinities with the plan. The sandbox's state is one immutable
 * snapshot (containers, the desired placement, the plan in force, the VMM's own affinity, the last
 * outcome); each operation computes the next one, and {@link #persist()} writes it whole.
 * An empty union (once no container has a cpuset) widens the cgroup back to what its parent allows,
 * as {@link SandboxCgroup#applyCpuset} does with empty sets.
 * When pinning is enabled and there are exactly as many vCPU threads as CPUs in the union, the i-th
 * vCPU (by index) is pinned to the i-th smallest CPU; when the counts stop matching, every vCPU
 * thread is reset to the whole union, or to the VMM's own affinity once no container has a cpuset.
 * That is the {@link PinningPolicy#EXACT} policy, the default; under {@link PinningPolicy#FIT} as
 * many vCPUs as the union has CPUs are pinned and the others run on the union. With guest NUMA
 * ({@link Builder#numa}) each vCPU is pinned within its own node first. Every check reads each
 * thread's affinity and sets only the threads whose affinity differs from the plan, so a check with
 * nothing to change makes no set call.
 * <pre>{@code
 * SandboxResources sandbox = SandboxResources.builder()
 *         .config(podConfig)                 // enable flag, default_vcpus, sandbox cgroup
 *         .qemu(qmpClient, qemuPid)
 *         .build();
 * sandbox.vmStarted();
 * sandbox.update(new ContainerEvent.Added("c1", CpuResources.fromOciConfig(bundle.resolve("config.json"))));
 * Files.writeString(stateFile, sandbox.persist());
 * }</pre>
 *
 * <p>A failed operation throws {@link PinningException} and leaves the container map as it was
 * before; the sandbox cgroup gets its previous cpuset back, which after a failed first add is the
 * unconstrained value it had before. Operations are serialized by one
 * {@link ReentrantLock}, which, unlike {@code synchronized}, does not pin a virtual thread to its
 * carrier while the QMP call blocks.
 *
 * @since 0.1
 */
public final class SandboxResources {

    private final ReentrantLock lock = new ReentrantLock();
    private final Sandbox sandbox;

    SandboxResources(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    /** {@return a builder; it needs at least the VMM, through {@link Builder#vmm} or {@link Builder#qemu}} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the step for a VM that has just started: takes the VMM process's own affinity (the reset
     * target once no container has a cpuset), creates and writes the sandbox cgroup, moves the VMM
     * into it when the configuration has an overhead cgroup, and runs the pinning check.
     *
     * @throws IllegalStateException if called twice
     * @throws PinningException if a step fails, reading the VMM's affinity included; the VM counts as
     *     started all the same, the failure is the last outcome, and the next operation tries again
     */
    public void vmStarted() {
        locked(sandbox::vmStarted);
    }

    /**
     * Applies a container event, then runs the step: the cgroup write (only when the union of the
     * cpusets changed) and the pinning check (always, so that vCPUs hot-plugged by a CPU-quota update
     * are taken into account). Re-applying the pin already in force makes no system call.
     *
     * @param event the event
     * @throws IllegalArgumentException if an added container exists, or an updated or deleted one
     *     does not; nothing changed then
     * @throws PinningException if the step fails; the container map is rolled back
     */
    public void update(ContainerEvent event) {
        Objects.requireNonNull(event, "event");
        locked(() -> sandbox.update(event));
    }

    /**
     * Reports the containers, the last pinning decision and its reason, and each vCPU thread's
     * real affinity ({@link HostView#observe}). Asks the VMM for its vCPUs once the VM has started.
     *
     * @return the status
     * @throws PinningException of kind {@link PinningException.Kind#VMM_QUERY} if the VMM cannot be asked
     */
    public SandboxStatus status() {
        return lockedGet(sandbox::status);
    }

    /**
     * {@return the outcome of the last pinning check, as {@link #status()} reports it, without
     * asking the VMM} A caller can so persist the result of a step before it queries the status.
     */
    public SandboxStatus.Outcome lastOutcome() {
        return lockedGet(() -> sandbox.snapshot().outcome());
    }

    /** {@return the reason of the last pinning check, as {@link #status()} reports it, without asking the VMM} */
    public String lastReason() {
        return lockedGet(() -> sandbox.snapshot().reason());
    }

    /**
     * Returns the state a restarted runtime needs to take this sandbox over with
     * {@link Builder#restore(String)}: the settings, each container's cpuset, the desired placement,
     * the plan in force and the last outcome, as JSON.
     *
     * @return the JSON text
     */
    public String persist() {
        return lockedGet(sandbox::persist);
    }

    /**
     * Removes the sandbox cgroup, for a sandbox that is going away; the VMM must have exited.
     *
     * @throws PinningException of kind {@link PinningException.Kind#CGROUP} if it cannot be removed
     */
    public void delete() {
        locked(sandbox::deleteCgroup);
    }

    private void locked(Runnable action) {
        lockedGet(() -> {
            action.run();
            return null;
        });
    }

    private <T> T lockedGet(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    /** The sandbox behind the lock; for tests in this package. */
    Sandbox sandbox() {
        return sandbox;
    }

    /**
     * Wires a {@link SandboxResources} to its VMM, the host and the sandbox cgroup, and says how it
     * places its vCPUs. Each setting has a fixed precedence, applied by {@link #build()} whatever the
     * order of the calls: an explicit setter ({@link #pinningEnabled}, {@link #policy}, {@link #numa},
     * {@link #defaultVcpus}, {@link #cgroup}) beats {@link #cgroupConfig}, which beats {@link #config},
     * which beats the default. Defaults: pinning disabled, {@code exact}, no NUMA, {@code default_vcpus}
     * 1, {@link ThreadAffinity#linux()}, the proc root {@code /proc}, and {@link SandboxCgroup#none()}
     * unless a cgroup configuration is given.
     *
     * @since 0.1
     */
    public static final class Builder {

        private final SandboxAssembly assembly = new SandboxAssembly();

        private Builder() {
        }

        /**
         * Sets the VMM: a QEMU process and a QMP connection to it, as {@link Vmm#qemu(QmpClient, int)}.
         * The connection stays the caller's to close.
         *
         * @param qmp a connected QMP client
         * @param pid QEMU's process id; every vCPU thread QEMU reports must be one of its tasks
         * @return this builder
         * @throws IllegalArgumentException if {@code pid <= 0}
         */
        public Builder qemu(QmpClient qmp, int pid) {
            return vmm(Vmm.qemu(qmp, pid));
        }

        /**
         * Sets the VMM: any implementation, built in or the caller's own. Each step lists its tasks
         * under this builder's {@link #procRoot} and hands that listing to {@link Vmm#vcpus(TaskListing)}.
         *
         * @param vmm the VMM whose vCPU threads are pinned
         * @return this builder
         */
        public Builder vmm(Vmm vmm) {
            assembly.vmm = Objects.requireNonNull(vmm, "vmm");
            return this;
        }

        /**
         * Sets where procfs is mounted, for the VMM's task listings: {@code /proc} on the host, or
         * for example {@code /host/proc} in a node agent's container. Every vCPU thread the VMM
         * reports must be listed under {@code <root>/<pid>/task}, and the built-in VMMs' re-check
         * cache is keyed on the same listing.
         *
         * @param root the procfs mount point; {@code /proc} when not set
         * @return this builder
         */
        public Builder procRoot(Path root) {
            assembly.procRoot = Objects.requireNonNull(root, "root");
            return this;
        }

        /**
         * Sets how thread affinities are read and set.
         *
         * @param affinity the affinity layer; {@link ThreadAffinity#linux()} when not set
         * @return this builder
         */
        public Builder affinity(ThreadAffinity affinity) {
            assembly.affinity = Objects.requireNonNull(affinity, "affinity");
            return this;
        }

        /**
         * Sets the sandbox cgroup, over the one a cgroup configuration names.
         *
         * @param cgroup the cgroup, or {@link SandboxCgroup#none()} when the caller manages cgroups
         * @return this builder
         */
        public Builder cgroup(SandboxCgroup cgroup) {
            assembly.cgroup = Objects.requireNonNull(cgroup, "cgroup");
            return this;
        }

        /**
         * Takes the enable flag and the cgroup layout from Kata's cgroup configuration, over those of
         * {@link #config}: the sandbox cgroup is {@link SandboxCgroup#cgroupfs(String)} at its
         * sandbox path (unless {@link #cgroup} is set), and without {@code sandbox_cgroup_only} the
         * VMM process is moved into it when the VM starts, as runtime-rs does when there is an
         * overhead cgroup. {@link #pinningEnabled} still beats its enable flag.
         *
         * @param config the cgroup configuration, usually {@link PodConfig#cgroupConfig()}
         * @return this builder
         */
        public Builder cgroupConfig(CgroupConfig config) {
            assembly.cgroupConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Takes everything a pod's configuration says: the enable flag (with its annotation
         * applied), the placement policy, the guest NUMA settings, {@code default_vcpus}, and the
         * cgroup layout as {@link #cgroupConfig} does. Each explicit setter beats it.
         *
         * @param pod the pod's configuration
         * @return this builder
         */
        public Builder config(PodConfig pod) {
            assembly.pod = Objects.requireNonNull(pod, "pod");
            return this;
        }

        /**
         * Sets the placement policy of a new sandbox, over the configuration. A restored sandbox
         * keeps the policy it was created with.
         *
         * @param policy {@link PinningPolicy#EXACT} (the default) or {@link PinningPolicy#FIT}
         * @return this builder
         * @since 0.2
         */
        public Builder policy(PinningPolicy policy) {
            assembly.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Sets the guest NUMA settings of a new sandbox, over the configuration: with
         * {@code enable_numa}, each vCPU is placed within its guest node's host CPUs first, and an
         * empty union gives every vCPU its node's host CPUs.
         *
         * @param numa {@code enable_numa} and {@code numa_mapping}; {@link NumaConfig#DISABLED} when not set
         * @return this builder
         * @since 0.2
         */
        public Builder numa(NumaConfig numa) {
            assembly.numa = Objects.requireNonNull(numa, "numa");
            return this;
        }

        /**
         * Sets where the host topology comes from when NUMA is on: a sysfs tree, read when the
         * sandbox is built. {@link #hostTopology} beats it.
         *
         * @param root where sysfs is mounted; {@code /sys} when not set
         * @return this builder
         * @since 0.2
         */
        public Builder sysfsRoot(Path root) {
            assembly.sysfsRoot = Objects.requireNonNull(root, "root");
            return this;
        }

        /**
         * Sets the host topology directly, instead of reading it from {@link #sysfsRoot}.
         *
         * @param host the host's NUMA nodes and CPUs
         * @return this builder
         * @since 0.2
         */
        public Builder hostTopology(HostTopology host) {
            assembly.topology = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * Sets whether vCPU pinning is allowed in a new sandbox, over the configuration.
         *
         * @param enabled the {@code enable_vcpus_pinning} knob
         * @return this builder
         */
        public Builder pinningEnabled(boolean enabled) {
            assembly.pinningEnabled = enabled;
            return this;
        }

        /**
         * Sets how many vCPU threads to wait for in a new sandbox, over the configuration: while
         * fewer are visible, the step asks again with backoff (50 ms, doubling, 10 attempts), then
         * goes on with those it sees.
         *
         * @param vcpus the {@code default_vcpus} of the hypervisor configuration, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code vcpus < 1}
         */
        public Builder defaultVcpus(int vcpus) {
            if (vcpus < 1) {
                throw new IllegalArgumentException("defaultVcpus must be at least 1: " + vcpus);
            }
            assembly.defaultVcpus = vcpus;
            return this;
        }

        /** Sets where the task listings come from; tests pass a fake kernel's tasks. */
        Builder tasks(IntFunction<Set<Integer>> tasks) {
            assembly.tasks = Objects.requireNonNull(tasks, "tasks");
            return this;
        }

        /** Sets how the vCPU fetch waits; tests pass one that does not sleep. */
        Builder sleeper(Sleeper sleeper) {
            assembly.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Builds a sandbox with no containers, before its VM starts.
         *
         * @return the sandbox
         * @throws IllegalStateException if no VMM was set
         * @throws UnsupportedOperationException if no affinity layer was set and
         *     {@link ThreadAffinity#linux()} is unavailable
         * @throws IllegalArgumentException naming the file or entry, if NUMA is on and the host
         *     topology or {@code numa_mapping} cannot be read
         */
        public SandboxResources build() {
            return new SandboxResources(assembly.build());
        }

        /**
         * Takes over the sandbox of a VM that runs already and that this process did not start,
         * with no persisted state: a node agent starting up on a node whose sandboxes it placed
         * before. The VM counts as started; the VMM process's own affinity is read now; when the
         * kernel shows vCPU threads restricted, their affinities are taken as the plan in force, as
         * {@link #restore} does, so that a later mismatch resets them. The cgroup is not written and
         * the VMM not moved; nothing is changed until the next operation, which plans and
         * reconciles as after {@link SandboxResources#vmStarted()}: a plan the threads already
         * have makes no system call.
         *
         * @return the sandbox, with no containers
         * @throws IllegalStateException if no VMM was set
         * @throws PinningException of kind {@link PinningException.Kind#AFFINITY} if pinning is
         *     enabled and the VMM's affinity cannot be read, or {@link PinningException.Kind#VMM_QUERY}
         *     if the VMM cannot be asked for its vCPU threads
         * @since 0.2
         */
        public SandboxResources takeOver() {
            return new SandboxResources(assembly.running());
        }

        /**
         * Takes over a sandbox from the JSON {@link SandboxResources#persist()} wrote, for example
         * after a runtime restart. Every setting (the enable flag, the policy, NUMA and
         * {@code default_vcpus}) comes from the JSON, whatever this builder says, as do the
         * containers, the plans and the last outcome; this builder supplies the VMM, the host and the
         * cgroup. When the JSON says nothing is in force but the kernel shows vCPU threads restricted
         * (a command was stopped between its system calls and the write of its state), the
         * affinities the kernel shows are taken as the plan in force, so a later mismatch still
         * resets them. Nothing is changed until the next operation. State written by version 0.1,
         * which holds no NUMA settings, no {@code default_vcpus}, no plans and no outcome, still
         * restores: those settings come from this builder, the plan in force from the kernel, and
         * the last outcome is {@link SandboxStatus.Outcome#NONE}.
         *
         * @param json the persisted state
         * @return the sandbox
         * @throws IllegalArgumentException naming the field when the JSON is not a persisted state
         * @throws IllegalStateException if no VMM was set
         * @throws PinningException of kind {@link PinningException.Kind#VMM_QUERY} if the VM had
         *     started and the VMM cannot be asked for its vCPU threads
         */
        public SandboxResources restore(String json) {
            return new SandboxResources(assembly.restore(json));
        }
    }
}
