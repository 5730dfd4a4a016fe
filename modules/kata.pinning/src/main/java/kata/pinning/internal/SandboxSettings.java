package kata.pinning.internal;

import java.util.Objects;
import kata.pinning.config.NumaConfig;
import kata.pinning.config.PinningPolicy;

/**
 * What a sandbox is told about how to place its vCPUs, fixed when it is created and persisted with
 * it, so that a restored sandbox behaves as the one that was persisted.
 *
 * @param pinningEnabled the {@code enable_vcpus_pinning} knob
 * @param policy the placement policy
 * @param numa {@code enable_numa} and {@code numa_mapping}
 * @param defaultVcpus how many vCPU threads a step waits for, at least 1
 */
public record SandboxSettings(boolean pinningEnabled, PinningPolicy policy, NumaConfig numa, int defaultVcpus) {

    /** What a sandbox is told when nobody says anything: pinning off, {@code exact}, no NUMA, one vCPU. */
    public static final SandboxSettings DEFAULTS = new SandboxSettings(false, PinningPolicy.EXACT, NumaConfig.DISABLED, 1);

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException if {@code defaultVcpus < 1}
     */
    public SandboxSettings {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(numa, "numa");
        if (defaultVcpus < 1) {
            throw new IllegalArgumentException("default_vcpus must be at least 1: " + defaultVcpus);
        }
    }
}
