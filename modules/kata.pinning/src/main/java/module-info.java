/**
 * Pins a sandbox's vCPU threads (QEMU, Cloud Hypervisor, Firecracker, Dragonball, OpenVMM or a
 * {@link kata.pinning.Vmm} of your own) to the CPUs of its containers, as Kata Containers'
 * {@code enable_vcpus_pinning} does: {@link kata.pinning.SandboxResources}. A consumer needs only
 * {@code requires kata.pinning}; the modules below come along.
 *
 * <p>Setting affinities calls libc: run with {@code --enable-native-access=kata.pinning.affinity}.
 */
module kata.pinning {
    requires transitive kata.pinning.cpuset;   // CpuSet in CpuResources, SandboxStatus and PinningException
    requires transitive kata.pinning.affinity; // Builder.affinity(ThreadAffinity)
    requires transitive kata.pinning.qmp;      // Vmm.qemu(QmpClient, pid) and Builder.qemu
    requires transitive kata.pinning.config;   // Builder.config(PodConfig), Builder.cgroupConfig(CgroupConfig)
    requires transitive kata.pinning.cgroup;   // Builder.cgroup(SandboxCgroup)
    requires tools.jackson.databind;           // OCI config.json and the persisted state, as JSON trees: nothing to open

    exports kata.pinning; // the rule, the QEMU adapter and the JSON formats in kata.pinning.internal stay hidden
}
