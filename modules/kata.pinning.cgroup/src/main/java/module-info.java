/**
 * The sandbox cgroup's cpuset: creates the cgroup, writes {@code cpuset.cpus} and
 * {@code cpuset.mems}, moves processes in and removes the cgroup, on cgroup v1 or v2 as the host
 * mounts it. Entry point: {@link kata.pinning.cgroup.SandboxCgroup}.
 */
module kata.pinning.cgroup {
    requires transitive kata.pinning.cpuset; // CpuSet appears in SandboxCgroup's signatures

    exports kata.pinning.cgroup; // SandboxCgroup, CgroupException; ...cgroup.internal stays hidden
}
