package kata.pinning.cgroup;

import java.util.Objects;
import kata.pinning.cpuset.CpuSet;

/** The pass-through cgroup: the caller manages cgroups itself. */
enum NoCgroup implements SandboxCgroup {
    INSTANCE;

    @Override
    public void applyCpuset(CpuSet cpus, CpuSet mems) {
        // Nothing to write: cgroups are someone else's job. The checks keep the contract uniform.
        Objects.requireNonNull(cpus, "cpus");
        Objects.requireNonNull(mems, "mems");
    }

    @Override
    public void addProcess(int pid) {
        // Nothing to move.
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive: " + pid);
        }
    }

    @Override
    public void delete() {
        // Nothing was created.
    }

    @Override
    public CpuSet cpus() {
        return CpuSet.empty();
    }

    @Override
    public CpuSet mems() {
        return CpuSet.empty();
    }

    @Override
    public String toString() {
        return "no cgroup";
    }
}
