package kata.pinning.config;

import java.util.List;
import java.util.Objects;

/**
 * The guest NUMA settings of the hypervisor table in use: Kata's {@code enable_numa} and
 * {@code numa_mapping}.
 *
 * @param enabled {@code enable_numa}: the VM gets guest NUMA nodes, and vCPU placement keeps each
 *     vCPU on its node's host CPUs; {@code false} when absent
 * @param mapping {@code numa_mapping}: for each guest node, in order, a list of host nodes such as
 *     {@code "0"} or {@code "0-1"}; empty means one guest node per host node. Host nodes without
 *     CPUs give no guest node.
 * @since 0.2
 */
public record NumaConfig(boolean enabled, List<String> mapping) {

    /** No guest NUMA topology. */
    public static final NumaConfig DISABLED = new NumaConfig(false, List.of());

    /** Copies the mapping. */
    public NumaConfig {
        mapping = List.copyOf(Objects.requireNonNull(mapping, "mapping"));
    }
}
