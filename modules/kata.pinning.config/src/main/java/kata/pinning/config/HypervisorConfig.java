package kata.pinning.config;

import java.util.Objects;

/**
 * The vCPU sizing of the hypervisor table in use ({@code [hypervisor.<name>]}), adjusted the way
 * runtime-rs adjusts it after loading.
 *
 * <p>With {@code H} the number of CPUs available to this process:
 * <ul>
 *   <li>{@code default_maxvcpus} absent, 0 or above {@code H} becomes {@code H};</li>
 *   <li>{@code default_vcpus} (a float in runtime-rs, an integer in the Go runtime; both are read)
 *       absent or 0 becomes 1, negative or above {@code H} becomes {@code H}, then it is capped at
 *       {@code default_maxvcpus} and rounded up, so {@code 1.5} boots 2 vCPUs.</li>
 * </ul>
 *
 * @param name            the hypervisor's table name, for example {@code qemu}
 * @param defaultVcpus    the number of vCPUs the VM boots with, between 1 and {@code defaultMaxVcpus}
 * @param defaultMaxVcpus the most vCPUs the VM can have, at least 1
 * @since 0.1
 */
public record HypervisorConfig(String name, int defaultVcpus, int defaultMaxVcpus) {

    /**
     * Checks the components.
     *
     * @throws NullPointerException     if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is empty, or not
     *                                  {@code 1 <= defaultVcpus <= defaultMaxVcpus}
     */
    public HypervisorConfig {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("hypervisor name is empty");
        }
        if (defaultVcpus < 1 || defaultVcpus > defaultMaxVcpus) {
            throw new IllegalArgumentException("need 1 <= defaultVcpus <= defaultMaxVcpus, got defaultVcpus="
                    + defaultVcpus + ", defaultMaxVcpus=" + defaultMaxVcpus);
        }
    }
}
