package kata.pinning.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.cpuset.HostCpus;

/**
 * Sandbox cgroups as a Kata runtime makes them, on the host's cgroup v1 cpuset hierarchy: one parent
 * of the test's own, {@code kata-pinning-agent-test-<pid>-<nanos>}, and one child per sandbox, into
 * which the test moves a VMM process and writes the union, as {@code resourceControllerUpdate}
 * does. {@link #close()} moves what is left back to the root and removes them all.
 */
final class SandboxCgroups implements AutoCloseable {

    static final Path CPUSET_V1 = Path.of("/sys/fs/cgroup/cpuset");

    private final Path parent;
    private final List<Path> children = new ArrayList<>();

    private SandboxCgroups(Path parent) {
        this.parent = parent;
    }

    /** Skips the test unless the machine has a writable v1 cpuset hierarchy and CPUs 0 and 1. */
    static void assumeCpusetV1() {
        assumeTrue(Files.isWritable(CPUSET_V1.resolve("cgroup.procs")), "needs a writable cgroup v1 cpuset hierarchy");
        assumeTrue(HostCpus.online().containsAll(CpuSet.of(0, 1)), "needs CPUs 0 and 1 online");
    }

    /** Makes the parent, with every online CPU and the root's memory nodes. */
    static SandboxCgroups create() throws IOException {
        Path parent = Files.createDirectory(CPUSET_V1.resolve("kata-pinning-agent-test-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime()));
        Files.writeString(parent.resolve("cpuset.cpus"), Files.readString(CPUSET_V1.resolve("cpuset.cpus")).strip());
        Files.writeString(parent.resolve("cpuset.mems"), Files.readString(CPUSET_V1.resolve("cpuset.mems")).strip());
        return new SandboxCgroups(parent);
    }

    /**
     * Makes a sandbox cgroup with a first union and moves every thread of a process into it.
     *
     * @param name the cgroup's name under the parent
     * @param cpus its first {@code cpuset.cpus}
     * @param pid the VMM process
     * @return the cgroup's directory
     */
    Path sandbox(String name, CpuSet cpus, long pid) throws IOException {
        Path dir = Files.createDirectory(parent.resolve(name));
        children.add(dir);
        Files.writeString(dir.resolve("cpuset.mems"), Files.readString(parent.resolve("cpuset.mems")).strip());
        write(dir, cpus);
        Files.writeString(dir.resolve("cgroup.procs"), Long.toString(pid));
        return dir;
    }

    /** Writes a union into a sandbox cgroup, as the runtime does on a container change. */
    static void write(Path dir, CpuSet cpus) throws IOException {
        Files.writeString(dir.resolve("cpuset.cpus"), cpus.toString());
    }

    /** {@return the union a sandbox cgroup holds} */
    static CpuSet cpus(Path dir) throws IOException {
        return CpuSet.parse(Files.readString(dir.resolve("cpuset.cpus")).strip());
    }

    @Override
    public void close() throws IOException {
        for (Path child : children.reversed()) {
            moveToRoot(child);
            Files.deleteIfExists(child);
        }
        moveToRoot(parent);
        Files.deleteIfExists(parent);
    }

    /** Moves the processes still in a cgroup, such as a VMM a failed test left running, to the root. */
    private static void moveToRoot(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        for (String pid : Files.readAllLines(dir.resolve("cgroup.procs"))) {
            try {
                Files.writeString(CPUSET_V1.resolve("cgroup.procs"), pid.strip());
            } catch (IOException exited) {
                // gone meanwhile
            }
        }
    }
}
