package kata.pinning.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kata.pinning.CpuResources;
import kata.pinning.SandboxStatus;

/**
 * The status document that {@code status}, the lifecycle commands and the demo print: whether pinning
 * is enabled and in force, the containers' union, the last decision and why, and each vCPU thread's
 * affinity as the kernel reports it.
 *
 * @param enabled whether the sandbox allows pinning
 * @param policy the placement policy the sandbox was created with: {@code exact} or {@code fit}
 * @param pinned whether vCPU threads are pinned to CPUs of their own now (some of them, under {@code fit})
 * @param cpuset the union of the containers' cpusets
 * @param decision the last decision: {@code none}, {@code pinned}, {@code reset}, {@code skipped},
 *     {@code unchanged} or {@code failed}
 * @param reason why
 * @param vcpus each vCPU, in index order
 * @param containers each container's cpuset, by id
 */
public record StatusView(boolean enabled, String policy, boolean pinned, String cpuset, String decision, String reason,
        List<VcpuView> vcpus, Map<String, ContainerView> containers) {

    /**
     * One vCPU.
     *
     * @param index its index in the VM
     * @param threadId its host thread id
     * @param node its guest NUMA node as the VMM reports it, or null
     * @param affinity its thread's allowed CPUs as a cpulist, or null when they cannot be read
     * @param pinned whether that is one CPU of its own, which no other vCPU thread has as its whole affinity
     */
    public record VcpuView(int index, int threadId, Integer node, String affinity, boolean pinned) {

        /** {@return the view of a vCPU's status} */
        static VcpuView of(SandboxStatus.VcpuStatus v) {
            return new VcpuView(v.index(), v.threadId(), v.node().isPresent() ? v.node().getAsInt() : null,
                    v.affinity().map(Object::toString).orElse(null), v.pinned());
        }
    }

    /**
     * One container's cpuset.
     *
     * @param cpus its CPUs, as a cpulist
     * @param mems its memory nodes, as a cpulist
     */
    public record ContainerView(String cpus, String mems) {
    }

    /**
     * Builds the view of a status.
     *
     * @param status the sandbox's status
     * @param decision the decision to show, as {@link #decisionOf}
     * @param reason its reason
     * @return the view
     */
    static StatusView of(SandboxStatus status, String decision, String reason) {
        Map<String, ContainerView> containers = new LinkedHashMap<>();
        status.containers().forEach((id, r) -> containers.put(id, container(r)));
        return new StatusView(status.pinningEnabled(), status.policy().configName(),
                status.pinState() == SandboxStatus.PinState.PINNED, status.union().cpus().toString(), decision, reason,
                status.vcpus().stream().map(VcpuView::of).toList(), containers);
    }

    /** {@return the view of a status with its own last decision} */
    public static StatusView of(SandboxStatus status) {
        return of(status, decisionOf(status.lastOutcome()), status.lastReason());
    }

    /** {@return the JSON name of an outcome: {@code pinned} for a plan with pins, {@code reset} for one of masks} */
    public static String decisionOf(SandboxStatus.Outcome outcome) {
        return switch (outcome) {
            case PLACED -> "pinned";
            case WIDENED -> "reset";
            default -> outcome.name().toLowerCase(Locale.ROOT);
        };
    }

    private static ContainerView container(CpuResources r) {
        return new ContainerView(r.cpus().toString(), r.mems().toString());
    }

    /** {@return the text form: a summary line, the decision, and a table of the vCPUs} */
    String toText() {
        StringBuilder text = new StringBuilder();
        text.append("pinning ").append(enabled ? "enabled" : "disabled").append(", policy ").append(policy)
                .append(", vCPUs ").append(pinned ? "pinned" : "not pinned")
                .append(", containers' cpuset ").append(cpuset.isEmpty() ? "(none)" : cpuset);
        if (!containers.isEmpty()) {
            text.append(" from");
            containers.forEach((id, c) -> text.append(' ').append(id).append('=').append(c.cpus().isEmpty() ? "(none)" : c.cpus()));
        }
        text.append('\n').append("decision: ").append(decision).append(" (").append(reason).append(")\n");
        text.append(vcpuTable(vcpus));
        return text.toString().stripTrailing();
    }

    /** {@return a table of vCPUs, thread ids and allowed CPUs, one line each after a header} */
    static String vcpuTable(List<VcpuView> vcpus) {
        if (vcpus.isEmpty()) {
            return "(no vCPU threads known: the VM has not started)";
        }
        StringBuilder table = new StringBuilder(String.format("%-6s %-10s %s%n", "vCPU", "thread", "allowed CPUs"));
        for (VcpuView v : vcpus) {
            table.append(String.format("%-6d %-10d %s%n", v.index(), v.threadId(),
                    v.affinity() == null ? "(not readable)" : v.affinity()));
        }
        return table.toString();
    }
}
