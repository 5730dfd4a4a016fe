package kata.pinning.config;

import java.util.Objects;

/**
 * The keys of the {@code [runtime]} table that vCPU pinning depends on, after drop-ins are merged.
 * Every other runtime key is ignored.
 *
 * @param enableVcpusPinning {@code enable_vcpus_pinning}: pin each vCPU thread to one host CPU when
 *                           the number of vCPUs equals the number of CPUs in the sandbox's cpuset;
 *                           {@code false} when absent
 * @param sandboxCgroupOnly  {@code sandbox_cgroup_only}: put every Kata thread in the sandbox cgroup
 *                           instead of only the vCPU threads; {@code false} when absent
 * @param hypervisorName     the hypervisor in use: {@code hypervisor_name}, or, when that is absent or
 *                           empty, the name of the only {@code [hypervisor.*]} table, or {@code qemu}
 *                           when there is none
 * @since 0.1
 */
public record RuntimeConfig(boolean enableVcpusPinning, boolean sandboxCgroupOnly, String hypervisorName) {

    /**
     * Checks the hypervisor name.
     *
     * @throws NullPointerException     if {@code hypervisorName} is null
     * @throws IllegalArgumentException if {@code hypervisorName} is empty
     */
    public RuntimeConfig {
        Objects.requireNonNull(hypervisorName, "hypervisorName");
        if (hypervisorName.isEmpty()) {
            throw new IllegalArgumentException("hypervisorName is empty");
        }
    }
}
