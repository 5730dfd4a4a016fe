package kata.pinning;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kata.pinning.cgroup.CgroupException;
import kata.pinning.cgroup.SandboxCgroup;
import kata.pinning.cpuset.CpuSet;

/** A sandbox cgroup that records its writes in the shared log and can fail the next one. */
final class FakeCgroup implements SandboxCgroup {

    private final List<String> log;
    private final List<CpuResources> writes = new ArrayList<>();
    private final List<Integer> processes = new ArrayList<>();
    private CpuSet cpus = CpuSet.empty();
    private CpuSet mems = CpuSet.empty();
    private boolean failNextApply;
    private boolean deleted;

    FakeCgroup(List<String> log) {
        this.log = log;
    }

    void failNextApply() {
        failNextApply = true;
    }

    /** Drops a failure no write has consumed. */
    void clearFailure() {
        failNextApply = false;
    }

    /** {@return every applyCpuset call, in order} */
    List<CpuResources> writes() {
        return writes;
    }

    List<Integer> processes() {
        return processes;
    }

    boolean deleted() {
        return deleted;
    }

    @Override
    public void applyCpuset(CpuSet cpus, CpuSet mems) {
        log.add("cgroup " + cpus + " " + mems);
        writes.add(new CpuResources(cpus, mems));
        if (failNextApply) {
            failNextApply = false;
            Path file = Path.of("/sys/fs/cgroup/cpuset/fake/cpuset.cpus");
            throw new CgroupException("cannot write \"" + cpus + "\" to " + file + ": Invalid argument", file, cpus.toString(), null);
        }
        // As the real one: an empty set leaves the value in place.
        if (!cpus.isEmpty()) {
            this.cpus = cpus;
        }
        if (!mems.isEmpty()) {
            this.mems = mems;
        }
    }

    @Override
    public void addProcess(int pid) {
        log.add("cgroup add " + pid);
        processes.add(pid);
    }

    @Override
    public void delete() {
        deleted = true;
    }

    @Override
    public CpuSet cpus() {
        return cpus;
    }

    @Override
    public CpuSet mems() {
        return mems;
    }
}
