package kata.pinning.config;

import java.util.Objects;

/**
 * The effective configuration of one pod: the loaded {@link KataConfig} with the pod's pinning
 * annotation applied. The base configuration is not changed. Made by {@link KataConfig#forPod}.
 *
 * <p>Precedence, highest first: the annotation {@value #PINNING_ANNOTATION} (or its alias
 * {@value #GO_PINNING_ANNOTATION}), the last {@code config.d/} drop-in that sets
 * {@code runtime.enable_vcpus_pinning}, the base file, the default (off).
 *
 * @param base         the loaded configuration this view was made from
 * @param pinning      the effective pinning setting and its source
 * @param defaultVcpus the number of vCPUs the pod's VM boots with (from the hypervisor table;
 *                     hypervisor annotations are not applied)
 * @param cgroupConfig the cgroup settings, carrying the effective pinning flag
 * @since 0.1
 */
public record PodConfig(KataConfig base, PinningSetting pinning, int defaultVcpus, CgroupConfig cgroupConfig) {

    /** The runtime-rs annotation that turns vCPU pinning on or off for one pod. */
    public static final String PINNING_ANNOTATION = "io.katacontainers.config.runtime.enable_vcpus_pinning";

    /**
     * The Go runtime's key for the same switch, accepted as a deprecated alias of
     * {@link #PINNING_ANNOTATION}: using it logs a warning, and it must agree with the primary key
     * when both are set.
     */
    public static final String GO_PINNING_ANNOTATION = "io.katacontainers.enable_vcpus_pinning";

    /**
     * Checks that the components agree.
     *
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code defaultVcpus < 1}, or {@code cgroupConfig} disagrees
     *                                  with {@code pinning} about whether pinning is on
     */
    public PodConfig {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(pinning, "pinning");
        Objects.requireNonNull(cgroupConfig, "cgroupConfig");
        if (defaultVcpus < 1) {
            throw new IllegalArgumentException("defaultVcpus must be at least 1: " + defaultVcpus);
        }
        if (cgroupConfig.enableVcpusPinning() != pinning.enabled()) {
            throw new IllegalArgumentException("cgroupConfig.enableVcpusPinning() must equal pinning.enabled()");
        }
    }
}
