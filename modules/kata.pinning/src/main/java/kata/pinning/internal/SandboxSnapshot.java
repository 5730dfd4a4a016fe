package kata.pinning.internal;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import kata.pinning.ContainerEvent;
import kata.pinning.CpuResources;
import kata.pinning.SandboxStatus.Outcome;
import kata.pinning.SandboxStatus.PinState;
import kata.pinning.cpuset.CpuSet;

/**
 * The whole state of a sandbox at one moment, as one immutable value: each operation computes the
 * next snapshot from this one, and a failed operation keeps this one but for what the kernel now
 * holds and the failure. It is what is persisted.
 *
 * @param containers each container's CPU resources, by id
 * @param vmStarted whether the VM has started
 * @param vmmAffinity the VMM process's own affinity, taken when the VM started (the reset target
 *     once no container has a cpuset); empty before, when pinning is off, or when it could not be read
 * @param desired the plan of the last check: what the sandbox wants the vCPU threads to have
 * @param inForce the last plan that was applied, whole, to the kernel; {@link Plan.Effect#NONE} when
 *     nothing this sandbox set restricts the threads
 * @param outcome the outcome of the last check
 * @param reason why: the plan's reason, or the failure's message
 */
public record SandboxSnapshot(Map<String, CpuResources> containers, boolean vmStarted, CpuSet vmmAffinity,
                              Plan desired, Plan inForce, Outcome outcome, String reason) {

    private static final String NO_CHECK = "no pinning check yet";

    /** A sandbox with no containers, before its VM starts. */
    public static final SandboxSnapshot NEW = new SandboxSnapshot(Map.of(), false, CpuSet.empty(),
            Plan.none(NO_CHECK), Plan.none(NO_CHECK), Outcome.NONE, NO_CHECK);

    /** Checks and copies the components. */
    public SandboxSnapshot {
        containers = Collections.unmodifiableMap(new TreeMap<>(containers));
        Objects.requireNonNull(vmmAffinity, "vmmAffinity");
        Objects.requireNonNull(desired, "desired");
        Objects.requireNonNull(inForce, "inForce");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
    }

    /** {@return the union of all containers' CPU resources: what the sandbox cgroup gets} */
    public CpuResources union() {
        return containers.values().stream().reduce(CpuResources.NONE, CpuResources::union);
    }

    /** {@return what the plan in force does to the vCPU threads, as a whole} */
    public PinState pinState() {
        return switch (inForce.effect()) {
            case PINS -> PinState.PINNED;
            case MASKS -> PinState.RESET;
            case VMM_AFFINITY, NONE -> PinState.UNPINNED;
        };
    }

    /**
     * {@return the snapshot with a container event applied to the containers; nothing else changes}
     *
     * @param event the event
     * @throws IllegalArgumentException if an added container exists, or an updated or deleted one does not
     */
    public SandboxSnapshot with(ContainerEvent event) {
        String id = event.containerId();
        boolean known = containers.containsKey(id);
        Map<String, CpuResources> next = new TreeMap<>(containers);
        switch (event) {
            case ContainerEvent.Added added when !known -> next.put(id, added.resources());
            case ContainerEvent.Updated updated when known -> next.put(id, updated.resources());
            case ContainerEvent.Deleted _ when known -> next.remove(id);
            case ContainerEvent.Added _ -> throw new IllegalArgumentException("container " + id + " was already added");
            case ContainerEvent.Updated _ -> throw new IllegalArgumentException("no container " + id + " to update");
            case ContainerEvent.Deleted _ -> throw new IllegalArgumentException("no container " + id + " to delete");
        }
        return new SandboxSnapshot(next, vmStarted, vmmAffinity, desired, inForce, outcome, reason);
    }

    /** {@return the snapshot of a VM that has started} */
    public SandboxSnapshot started() {
        return new SandboxSnapshot(containers, true, vmmAffinity, desired, inForce, outcome, reason);
    }

    /**
     * {@return the snapshot with the VMM's own affinity known}
     *
     * @param affinity the VMM process's affinity
     */
    public SandboxSnapshot withVmmAffinity(CpuSet affinity) {
        return new SandboxSnapshot(containers, vmStarted, affinity, desired, inForce, outcome, reason);
    }

    /**
     * {@return the snapshot after a check}
     *
     * @param plan the plan the check made
     * @param applied the plan now in force: {@code plan}, or the one before when {@code plan} changes nothing
     * @param result the outcome
     * @param why its reason
     */
    public SandboxSnapshot checked(Plan plan, Plan applied, Outcome result, String why) {
        return new SandboxSnapshot(containers, vmStarted, vmmAffinity, plan, applied, result, why);
    }

    /**
     * {@return this snapshot after a failed step: its containers and desired plan, with what is in
     * force now and the failure}
     *
     * @param applied what the kernel holds now: this snapshot's plan in force, the fallback that
     *     replaced it, or a plan with pins that could not be undone
     * @param message the failure's message
     */
    public SandboxSnapshot failed(Plan applied, String message) {
        return new SandboxSnapshot(containers, vmStarted, vmmAffinity, desired, applied, Outcome.FAILED, message);
    }
}
