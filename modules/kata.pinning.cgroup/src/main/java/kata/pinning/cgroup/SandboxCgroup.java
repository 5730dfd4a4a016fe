package kata.pinning.cgroup;

import kata.pinning.cpuset.CpuSet;

/**
 * The cgroup a sandbox's processes run in, seen through the one thing vCPU pinning needs from it:
 * its cpuset.
 *
 * <p>{@link #none()} is for callers that manage cgroups themselves; {@link #cgroupfs(String)} writes
 * the cgroup filesystem, on cgroup v1 or v2 as the host mounts it. Values are written in the
 * canonical cpulist form of {@link CpuSet#toString()}; an empty set means "no constraint of its
 * own" (see {@link #applyCpuset}). A failed call leaves the cpuset values as they were and removes
 * the directories it created.
 *
 * <pre>{@code
 * SandboxCgroup cgroup = SandboxCgroup.cgroupfs("/kata_overhead/sandbox-1");
 * cgroup.applyCpuset(CpuSet.parse("2-3"), CpuSet.of(0));   // creates the cgroup on first use
 * cgroup.addProcess(vmmPid);
 * ...
 * cgroup.delete();
 * }</pre>
 *
 * <p>Implementations hold no mutable state; callers that change the same cgroup from several
 * threads must order the calls themselves, as the kernel applies each write on its own.
 *
 * @since 0.1
 */
public interface SandboxCgroup {

    /**
     * Creates the cgroup if it is absent and sets its {@code cpuset.cpus} and {@code cpuset.mems}.
     * An empty set lifts the cgroup's own constraint on that file, so that the cgroup again allows
     * what its parent allows: on cgroup v1 the parent's value is copied in, on cgroup v2 the file is
     * emptied, which inherits the parent's effective value. The tasks inside widen with it, as the
     * kernel recomputes their affinities on every change of {@code cpuset.cpus}.
     *
     * @param cpus the union of the containers' CPUs; empty when no container constrains them
     * @param mems the union of the containers' memory nodes; empty when no container constrains them
     * @throws CgroupException naming the file and the value when a write fails; the values written
     *     before it in this call are restored and the directories it created removed
     * @throws NullPointerException if either set is null
     */
    void applyCpuset(CpuSet cpus, CpuSet mems);

    /**
     * Moves a process, with all its threads, into the cgroup, creating the cgroup as
     * {@link #applyCpuset} does when it is absent.
     *
     * @param pid the process id
     * @throws IllegalArgumentException if {@code pid <= 0}: writing {@code 0} would move the
     *     calling process itself
     * @throws CgroupException naming the file and the pid when the move fails, for example because
     *     the process does not exist
     */
    void addProcess(int pid);

    /**
     * Removes the cgroup; does nothing when it does not exist. Parent cgroups created for its path
     * stay, since other sandboxes may share them.
     *
     * @throws CgroupException naming the directory when the cgroup exists but cannot be removed,
     *     typically because processes still run in it
     */
    void delete();

    /**
     * Reads the CPUs the cgroup's {@code cpuset.cpus} holds now.
     *
     * @return the configured CPUs; empty when the cgroup does not exist, or on cgroup v2 when the
     *     cgroup inherits its parent's CPUs
     * @throws CgroupException naming the file when it cannot be read or parsed
     */
    CpuSet cpus();

    /**
     * Reads the memory nodes the cgroup's {@code cpuset.mems} holds now.
     *
     * @return the configured memory nodes; empty when the cgroup does not exist, or on cgroup v2
     *     when the cgroup inherits its parent's nodes
     * @throws CgroupException naming the file when it cannot be read or parsed
     */
    CpuSet mems();

    /** {@return a cgroup that does nothing and reads as empty, for callers that manage cgroups themselves} */
    static SandboxCgroup none() {
        return NoCgroup.INSTANCE;
    }

    /**
     * Returns the cgroup at {@code path} below the cgroup mount, detecting cgroup v1 or v2 from
     * {@code /proc/self/mountinfo}: a v1 hierarchy with the {@code cpuset} controller wins, else the
     * cgroup2 mount is used.
     *
     * @param path the cgroup path relative to the hierarchy root, such as {@code /kata_sandbox-1};
     *     the leading slash is optional
     * @return the cgroup; nothing is created before the first {@link #applyCpuset} or
     *     {@link #addProcess}
     * @throws IllegalArgumentException if the path names the root or has a {@code .} or
     *     {@code ..} component
     * @throws CgroupException naming {@code /proc/self/mountinfo} when it cannot be read or neither
     *     a cpuset hierarchy nor a cgroup2 mount is listed
     */
    static SandboxCgroup cgroupfs(String path) {
        return kata.pinning.cgroup.internal.CgroupFs.open(path);
    }
}
