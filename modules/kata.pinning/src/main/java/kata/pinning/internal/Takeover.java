package kata.pinning.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kata.pinning.SandboxStatus.PinState;
import kata.pinning.SandboxStatus.VcpuStatus;
import kata.pinning.cpuset.CpuSet;

/**
 * What a restored sandbox takes as the plan in force, from what the kernel shows: a pure decision
 * on the restored snapshot and one observation of the vCPU threads.
 *
 * <p>A snapshot is persisted after its step's system calls, so a command killed in between leaves
 * a snapshot that says nothing is in force while the kernel holds its pins; a file of version 1
 * records a pin state but not the plan. In both cases the affinities the kernel shows become the
 * plan in force, so that the next mismatch still resets them. A thread counts as restricted when it
 * may run on other CPUs than the VMM's main thread, which the sandbox cgroup clamps just as it
 * clamps the vCPU threads.
 */
public final class Takeover {

    private Takeover() {
    }

    /**
     * {@return the snapshot with the plan in force the kernel shows, or {@code snapshot} itself when
     * its own plan in force stands}
     *
     * @param snapshot the restored snapshot
     * @param legacyPinState the pin state of a version 1 file, whose plan in force is unknown
     * @param observed each vCPU as the VMM reports it now, with its thread's affinity
     * @param unrestricted what the VMM's main thread may run on now
     */
    public static SandboxSnapshot withKernel(SandboxSnapshot snapshot, Optional<PinState> legacyPinState,
                                             List<VcpuStatus> observed, CpuSet unrestricted) {
        Map<Integer, VcpuStatus> byThread = new LinkedHashMap<>();
        observed.stream().filter(v -> v.affinity().isPresent()).forEach(v -> byThread.putIfAbsent(v.threadId(), v));
        Plan.Effect effect;
        if (legacyPinState.isPresent() && legacyPinState.get() != PinState.UNPINNED) {
            effect = legacyPinState.get() == PinState.PINNED ? Plan.Effect.PINS : Plan.Effect.MASKS;
        } else if (snapshot.pinState() == PinState.UNPINNED
                && byThread.values().stream().anyMatch(v -> !v.affinity().get().equals(unrestricted))) {
            effect = byThread.values().stream().anyMatch(VcpuStatus::pinned) ? Plan.Effect.PINS : Plan.Effect.MASKS;
        } else {
            return snapshot;
        }
        List<VcpuPlacement> placements = byThread.values().stream()
                .map(v -> new VcpuPlacement(v.index(), v.threadId(), v.node(), v.affinity().get(), v.pinned()))
                .toList();
        Plan found = new Plan(effect, placements, snapshot.union().cpus(), placements.isEmpty()
                ? "taken over at restore; no vCPU thread seen" : "taken over from the kernel's affinities at restore");
        return snapshot.checked(snapshot.desired(), found, snapshot.outcome(), snapshot.reason());
    }
}
