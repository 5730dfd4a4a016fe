package kata.pinning;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kata.pinning.cgroup.CgroupException;
import kata.pinning.cgroup.SandboxCgroup;
import kata.pinning.cpuset.CpuSet;

/**
 * A sandbox cgroup below a parent with fixed values, holding its files as cgroup v1 or v2 does:
 * a new v1 cgroup starts with a copy of the parent's values (as the real one makes it), a new v2 one
 * empty (inherit). An empty set restores that unconstrained value, as the real one writes it. CPUs
 * or nodes the parent lacks are refused, as the kernel refuses them. A change of the CPUs the tasks
 * inside may use, and a move in, are passed on to the kernel. Records its calls in the shared log
 * and can fail the next write, which then changes nothing.
 */
final class FakeCgroup implements SandboxCgroup {

    /** How the cgroup's files hold "no constraint of its own". */
    enum Version {
        /** The parent's value. */
        V1,
        /** The empty value, which inherits the parent's. */
        V2
    }

    private final List<String> log;
    private final Version version;
    private final CpuResources parent;
    /** Tells the kernel that the CPUs of the tasks inside changed, or that tasks moved in. */
    private final Runnable cpusetChanged;
    private final List<CpuResources> writes = new ArrayList<>();
    private final List<Integer> processes = new ArrayList<>();
    private CpuResources files;
    private boolean failNextApply;
    private boolean deleted;

    FakeCgroup(List<String> log, Version version, CpuResources parent, Runnable cpusetChanged) {
        this.log = log;
        this.version = version;
        this.parent = parent;
        this.cpusetChanged = cpusetChanged;
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

    /** {@return the CPUs the tasks inside may use: cpuset.cpus on v1, cpuset.cpus.effective on v2} */
    CpuSet effectiveCpus() {
        CpuSet cpus = cpus();
        return version == Version.V2 && cpus.isEmpty() ? parent.cpus() : cpus;
    }

    @Override
    public void applyCpuset(CpuSet cpus, CpuSet mems) {
        log.add("cgroup " + cpus + " " + mems);
        writes.add(new CpuResources(cpus, mems));
        if (failNextApply) {
            failNextApply = false;
            throw invalid(cpus);
        }
        if (!parent.cpus().containsAll(cpus) || !parent.mems().containsAll(mems)) {
            throw invalid(cpus);
        }
        create();
        CpuSet effectiveBefore = effectiveCpus();
        files = new CpuResources(cpus.isEmpty() ? unconstrained(parent.cpus()) : cpus,
                mems.isEmpty() ? unconstrained(parent.mems()) : mems);
        if (!effectiveCpus().equals(effectiveBefore)) { // the kernel ignores a write of the same CPUs
            cpusetChanged.run();
        }
    }

    @Override
    public void addProcess(int pid) {
        log.add("cgroup add " + pid);
        create();
        processes.add(pid);
        cpusetChanged.run();
    }

    @Override
    public void delete() {
        deleted = true;
        files = null;
    }

    @Override
    public CpuSet cpus() {
        return files == null ? CpuSet.empty() : files.cpus();
    }

    @Override
    public CpuSet mems() {
        return files == null ? CpuSet.empty() : files.mems();
    }

    private void create() {
        if (files == null) {
            files = new CpuResources(unconstrained(parent.cpus()), unconstrained(parent.mems()));
        }
    }

    private CpuSet unconstrained(CpuSet parentValue) {
        return version == Version.V1 ? parentValue : CpuSet.empty();
    }

    private static CgroupException invalid(CpuSet cpus) {
        Path file = Path.of("/sys/fs/cgroup/cpuset/fake/cpuset.cpus");
        return new CgroupException("cannot write \"" + cpus + "\" to " + file + ": Invalid argument", file, cpus.toString(), null);
    }
}
