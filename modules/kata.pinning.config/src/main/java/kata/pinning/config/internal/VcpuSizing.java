package kata.pinning.config.internal;

/**
 * runtime-rs's adjustment of {@code default_vcpus} and {@code default_maxvcpus} after loading
 * ({@code CpuInfo::adjust_config} in kata-types), then the round-up its hypervisors apply when they
 * boot the VM ({@code default_vcpus.ceil()}).
 *
 * @param defaultVcpus    the vCPUs to boot with
 * @param defaultMaxVcpus the most vCPUs the VM may have
 */
record VcpuSizing(int defaultVcpus, int defaultMaxVcpus) {

    /** Kata's {@code DEFAULT_GUEST_VCPUS}, used when {@code default_vcpus} is 0 or absent. */
    static final int DEFAULT_GUEST_VCPUS = 1;

    /**
     * @param vcpus    {@code default_vcpus} as written (0 when absent); NaN is rejected before this
     * @param maxVcpus {@code default_maxvcpus} as written (0 when absent), not negative
     * @param hostCpus the CPUs available to this process, at least 1
     */
    static VcpuSizing adjust(double vcpus, long maxVcpus, int hostCpus) {
        if (hostCpus < 1 || maxVcpus < 0 || Double.isNaN(vcpus)) {
            throw new IllegalArgumentException("hostCpus=" + hostCpus + ", maxVcpus=" + maxVcpus + ", vcpus=" + vcpus);
        }
        int max = maxVcpus == 0 || maxVcpus > hostCpus ? hostCpus : (int) maxVcpus;
        // runtime-rs holds default_vcpus in an f32, so 2.0000001 is 2.0 there, not 3 after ceil.
        float v = (float) vcpus;
        if (v < 0 || v > hostCpus) {
            v = hostCpus;
        } else if (v == 0) {
            v = DEFAULT_GUEST_VCPUS;
        }
        if (v > max) {
            v = max;
        }
        return new VcpuSizing((int) Math.ceil(v), max);
    }
}
