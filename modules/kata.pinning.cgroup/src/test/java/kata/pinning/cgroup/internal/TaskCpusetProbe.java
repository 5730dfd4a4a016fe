package kata.pinning.cgroup.internal;

import java.nio.file.Path;
import java.util.List;
import kata.pinning.cgroup.TaskCpuset;

/** The child of {@link TaskCpusetTest}: run in a cgroup namespace of its own, it reads a task's cpuset. */
final class TaskCpusetProbe {

    private TaskCpusetProbe() {
    }

    public static void main(String[] args) {
        int pid = Integer.parseInt(args[0]);
        TaskCpuset cpuset = TaskCpuset.of(Path.of("/proc"), Path.of("/sys"), pid, pid);
        for (String line : List.of("path " + cpuset.cgroupPath(), "directory " + cpuset.directory(), "cpus " + cpuset.cpus())) {
            System.out.println(line);
        }
    }
}
