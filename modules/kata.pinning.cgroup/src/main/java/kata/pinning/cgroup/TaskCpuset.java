package kata.pinning.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import kata.pinning.cgroup.internal.TaskCgroups;
import kata.pinning.cpuset.CpuListFormatException;
import kata.pinning.cpuset.CpuSet;

/**
 * The cpuset of the cgroup that a task of another process runs in, read and never written: how a
 * node agent follows the union that a runtime such as Kata writes into a sandbox cgroup.
 *
 * <p>The cgroup comes from {@code <proc root>/<pid>/task/<tid>/cgroup}: the {@code cpuset}
 * controller's line on cgroup v1, the unified one on v2. Its directory comes from the host's
 * mounts ({@code <proc root>/1/mountinfo}); a host mount point {@code /sys/X} is read at
 * {@code <sysfs root>/X}, so a container that has the host's procfs at {@code /host/proc} and its
 * sysfs at {@code /host/sys} reads the host's file. A reader in a cgroup namespace of its own, as a
 * container usually is, sees paths relative to that namespace; they are resolved against the host's
 * hierarchy too.
 * <pre>{@code
 * TaskCpuset cpuset = TaskCpuset.of(Path.of("/host/proc"), Path.of("/host/sys"), vmmPid, vcpuTid);
 * CpuSet union = cpuset.cpus();   // empty on v2 when the cgroup has no cpuset of its own
 * }</pre>
 *
 * @since 0.2
 */
public final class TaskCpuset {

    private final Path directory;
    private final boolean unified;
    private final String cgroupPath;

    private TaskCpuset(Path directory, boolean unified, String cgroupPath) {
        this.directory = directory;
        this.unified = unified;
        this.cgroupPath = cgroupPath;
    }

    /**
     * Finds the cpuset cgroup of a task.
     *
     * @param procRoot where the host's procfs is mounted
     * @param sysfsRoot where the host's sysfs is mounted
     * @param pid the process
     * @param tid one of its tasks, such as a vCPU thread
     * @return the cgroup's cpuset
     * @throws CgroupException naming the file when the task's cgroup or the host's mounts cannot be
     *     read (the task is gone, or another process's files need {@code CAP_SYS_PTRACE}), or naming
     *     the cgroup when no mounted hierarchy holds it
     */
    public static TaskCpuset of(Path procRoot, Path sysfsRoot, int pid, int tid) {
        Objects.requireNonNull(procRoot, "procRoot");
        Objects.requireNonNull(sysfsRoot, "sysfsRoot");
        TaskCgroups.Location at = TaskCgroups.locate(procRoot, sysfsRoot, pid, tid);
        return new TaskCpuset(at.directory(), at.unified(), at.rendered());
    }

    /** {@return the cgroup's directory, as this process reads it} */
    public Path directory() {
        return directory;
    }

    /** {@return the file that holds the cgroup's CPUs: {@code cpuset.cpus} in {@link #directory()}} */
    public Path cpusFile() {
        return directory.resolve("cpuset.cpus");
    }

    /** {@return whether the cgroup is on cgroup v2} */
    public boolean unified() {
        return unified;
    }

    /** {@return the cgroup's path as the task's {@code cgroup} file showed it to this process} */
    public String cgroupPath() {
        return cgroupPath;
    }

    /**
     * Reads the cgroup's CPUs now.
     *
     * @return the CPUs of {@code cpuset.cpus}; empty on cgroup v2 when the cgroup has none of its
     *     own (it inherits its parent's, or the cpuset controller is not enabled for it), which for a
     *     sandbox cgroup means no container has a cpuset
     * @throws CgroupException naming the file when the cgroup is gone, the file cannot be read, or it
     *     holds no cpulist
     */
    public CpuSet cpus() {
        Path file = cpusFile();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            if (unified && Files.isDirectory(directory)) {
                return CpuSet.empty(); // cgroup v2 without the cpuset controller here: no cpuset of its own
            }
            throw new CgroupException("the cgroup " + directory + " is gone", file, "", e);
        } catch (IOException e) {
            throw new CgroupException("cannot read " + file + ": " + e, file, "", e);
        }
        try {
            return CpuSet.parse(text.strip());
        } catch (CpuListFormatException e) {
            throw new CgroupException(file + " holds \"" + text.strip() + "\", which is not a cpulist: " + e.getMessage(),
                    file, text.strip(), e);
        }
    }

    @Override
    public String toString() {
        return "cpuset of " + cgroupPath + " at " + directory + (unified ? " (cgroup v2)" : " (cgroup v1)");
    }
}
