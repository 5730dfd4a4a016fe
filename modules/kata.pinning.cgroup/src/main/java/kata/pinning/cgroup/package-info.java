/**
 * The cgroup a sandbox runs in, reduced to what vCPU pinning needs: its cpuset.
 * {@link kata.pinning.cgroup.SandboxCgroup#cgroupfs(String)} works on the cgroup filesystem and
 * {@link kata.pinning.cgroup.SandboxCgroup#none()} leaves cgroups to the caller; every failure is a
 * {@link kata.pinning.cgroup.CgroupException} naming the file and the value.
 */
package kata.pinning.cgroup;
