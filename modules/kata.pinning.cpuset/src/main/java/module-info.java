/**
 * Sets of host CPUs: the {@link kata.pinning.cpuset.CpuSet} value type, the Linux cpulist
 * grammar ({@code "0-3,8,10-11"}), and the host's online and possible CPUs from sysfs.
 *
 * <p>Every other module of kata-pinning speaks of CPUs only through this type.
 */
module kata.pinning.cpuset {
    exports kata.pinning.cpuset;
}
