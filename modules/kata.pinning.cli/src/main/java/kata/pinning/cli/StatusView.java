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
 * @param pinned whether each vCPU thread is pinned to its own CPU now
 * @param cpuset the union of the containers' cpusets
 * @param decision the last decision: {@code none}, {@code pinned}, {@code reset}, {@code skipped},
 *     {@code unchanged} or {@code failed}
 * @param reason why
 * @param vcpus each vCPU, in index order
 * @param containers each container's cpuset, by id
 */
record StatusView(boolean enabled, boolean pinned, String cpuset, String decision, String reason,
        List<VcpuView> vcpus, Map<String, ContainerView> containers) {

    /**
     * One vCPU.
     *
     * @param index its index in the VM
     * @param threadId its host thread id
     * @param affinity its thread's allowed CPUs as a cpulist, or null when they cannot be read
     */
    record VcpuView(int index, int threadId, String affinity) {
    }

    /**
     * One container's cpuset.
     *
     * @param cpus its CPUs, as a cpulist
     * @param mems its memory nodes, as a cpulist
     */
    record ContainerView(String cpus, String mems) {
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
        return new StatusView(status.pinningEnabled(), status.pinState() == SandboxStatus.PinState.PINNED,
                status.union().cpus().toString(), decision, reason,
                status.vcpus().stream().map(v -> new VcpuView(v.index(), v.threadId(),
                        v.affinity().map(Object::toString).orElse(null))).toList(),
                containers);
    }

    /** {@return the view of a status with its own last decision} */
    static StatusView of(SandboxStatus status) {
        return of(status, decisionOf(status.lastOutcome()), status.lastReason());
    }

    /** {@return the JSON name of an outcome, such as {@code pinned}} */
    static String decisionOf(SandboxStatus.Outcome outcome) {
        return outcome.name().toLowerCase(Locale.ROOT);
    }

    private static ContainerView container(CpuResources r) {
        return new ContainerView(r.cpus().toString(), r.mems().toString());
    }

    /** {@return the text form: a summary line, the decision, and a table of the vCPUs} */
    String toText() {
        StringBuilder text = new StringBuilder();
        text.append("pinning ").append(enabled ? "enabled" : "disabled")
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
