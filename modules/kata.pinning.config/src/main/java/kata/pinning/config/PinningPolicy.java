package kata.pinning.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How a sandbox places its vCPU threads on its containers' CPUs: {@code runtime.vcpus_pinning_policy},
 * a kata-pinning extension of Kata's configuration.
 *
 * @since 0.2
 */
public enum PinningPolicy {
    /**
     * Kata's rule: pin each vCPU to a CPU of its own only when there are exactly as many vCPU threads
     * as CPUs in the union; otherwise reset what was pinned. The default.
     */
    EXACT,
    /**
     * Pin what fits: the lowest-index vCPUs each get a CPU of their own, as many as the union has
     * CPUs, and the others may run on the whole union.
     */
    FIT;

    /** {@return the name used in TOML, on the command line and in JSON: {@code exact} or {@code fit}} */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@return the allowed names, for error messages: {@code "exact" or "fit"}} */
    public static String allowedNames() {
        return Arrays.stream(values()).map(p -> "\"" + p.configName() + "\"").collect(Collectors.joining(" or "));
    }

    /**
     * Reads a policy name.
     *
     * @param name {@code exact} or {@code fit}, exactly
     * @return the policy
     * @throws IllegalArgumentException if {@code name} is neither; the message lists the allowed names
     */
    public static PinningPolicy fromConfigName(String name) {
        Objects.requireNonNull(name, "name");
        for (PinningPolicy policy : values()) {
            if (policy.configName().equals(name)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("must be " + allowedNames() + ", not \"" + name + "\"");
    }
}
