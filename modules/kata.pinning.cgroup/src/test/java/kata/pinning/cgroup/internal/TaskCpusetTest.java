package kata.pinning.cgroup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kata.pinning.cgroup.CgroupException;
import kata.pinning.cgroup.SandboxCgroup;
import kata.pinning.cgroup.TaskCpuset;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.cpuset.HostCpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cpuset of another process's cgroup, read as a node agent reads it: a real cgroup v1 cpuset
 * hierarchy here, a sysfs root elsewhere, a reader in a cgroup namespace of its own, and a tree
 * of files for cgroup v2 where the host puts cpuset on v1.
 */
class TaskCpusetTest {

    private static final Path PROC = Path.of("/proc");
    private static final Path SYS = Path.of("/sys");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final String TEST_CLASSES =
            Path.of(System.getProperty("basedir", "."), "target", "test-classes").toString();

    @TempDir
    Path tmp;

    @Test
    void readsTheCpusetOfTheCgroupATaskRunsInAndFollowsItsChanges() throws Exception {
        assumeTrue(HostCpus.online().containsAll(CpuSet.of(0, 1)), "needs CPUs 0 and 1");
        try (ScratchCgroups scratch = ScratchCgroups.inV1Cpuset()) {
            SandboxCgroup sandbox = SandboxCgroup.cgroupfs(scratch.path("sb"));
            sandbox.applyCpuset(CpuSet.of(0), CpuSet.of(0));
            Process sleep = scratch.startSleep();
            sandbox.addProcess((int) sleep.pid());

            TaskCpuset cpuset = TaskCpuset.of(PROC, SYS, (int) sleep.pid(), (int) sleep.pid());
            assertEquals(scratch.dir("sb"), cpuset.directory());
            assertFalse(cpuset.unified());
            assertEquals(scratch.path("sb"), cpuset.cgroupPath());
            assertEquals(CpuSet.of(0), cpuset.cpus());

            sandbox.applyCpuset(CpuSet.of(0, 1), CpuSet.of(0));
            assertEquals(CpuSet.of(0, 1), cpuset.cpus(), "a write by the runtime is read at once");
        }
    }

    @Test
    void aHostMountPointUnderSysIsReadUnderTheSysfsRootGiven() throws Exception {
        try (ScratchCgroups scratch = ScratchCgroups.inV1Cpuset()) {
            SandboxCgroup sandbox = SandboxCgroup.cgroupfs(scratch.path("sb"));
            sandbox.applyCpuset(CpuSet.of(0), CpuSet.of(0));
            Process sleep = scratch.startSleep();
            sandbox.addProcess((int) sleep.pid());
            Path hostSys = Files.createSymbolicLink(tmp.resolve("host-sys"), SYS);

            TaskCpuset cpuset = TaskCpuset.of(PROC, hostSys, (int) sleep.pid(), (int) sleep.pid());

            assertTrue(cpuset.directory().startsWith(hostSys), cpuset::toString);
            assertEquals(hostSys.resolve(SYS.relativize(scratch.dir("sb")).toString()), cpuset.directory());
            assertEquals(CpuSet.of(0), cpuset.cpus());
        }
    }

    @Test
    void aReaderInACgroupNamespaceOfItsOwnFindsASandboxCgroupOutsideIt() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "needs unshare (util-linux)");
        try (ScratchCgroups scratch = ScratchCgroups.inV1Cpuset()) {
            SandboxCgroup sandbox = SandboxCgroup.cgroupfs(scratch.path("sb"));
            sandbox.applyCpuset(CpuSet.of(0), CpuSet.of(0));
            Process sleep = scratch.startSleep();
            sandbox.addProcess((int) sleep.pid());
            SandboxCgroup agent = SandboxCgroup.cgroupfs(scratch.path("agent"));
            agent.applyCpuset(HostCpus.online(), CpuSet.of(0));

            List<String> seen = runInCgroupNamespace(scratch.dir("agent"), (int) sleep.pid());

            assertEquals(List.of("path /../sb", "directory " + scratch.dir("sb"), "cpus 0"), seen);
        }
    }

    @Test
    void onCgroupV2TheUnifiedLineAndMountAreUsedAndNoCpusetFileMeansNone(@TempDir Path root) throws Exception {
        Path proc = root.resolve("proc");
        Path sys = root.resolve("sys");
        Path task = Files.createDirectories(proc.resolve("42/task/43"));
        Files.writeString(task.resolve("cgroup"), "0::/kata_overhead/sb-1\n");
        Files.createDirectories(proc.resolve("1"));
        Files.writeString(proc.resolve("1/mountinfo"),
                "26 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n");
        Path dir = Files.createDirectories(sys.resolve("fs/cgroup/kata_overhead/sb-1"));

        TaskCpuset cpuset = TaskCpuset.of(proc, sys, 42, 43);

        assertTrue(cpuset.unified());
        assertEquals(dir, cpuset.directory());
        assertEquals(CpuSet.empty(), cpuset.cpus(), "no cpuset controller: no cpuset of its own");
        Files.writeString(dir.resolve("cpuset.cpus"), "2-3\n");
        assertEquals(CpuSet.range(2, 3), cpuset.cpus());
        Files.writeString(dir.resolve("cpuset.cpus"), "\n");
        assertEquals(CpuSet.empty(), cpuset.cpus(), "an empty file inherits: no container has a cpuset");
    }

    @Test
    void aGoneTaskAndABadFileAreNamedInTheError(@TempDir Path root) throws Exception {
        CgroupException gone = assertThrows(CgroupException.class, () -> TaskCpuset.of(root, SYS, 42, 43));
        assertTrue(gone.getMessage().contains("42/task/43/cgroup"), gone.getMessage());

        Path task = Files.createDirectories(root.resolve("42/task/43"));
        Files.writeString(task.resolve("cgroup"), "0::/sb\n");
        Files.createDirectories(root.resolve("1"));
        Files.writeString(root.resolve("1/mountinfo"), "31 30 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n");
        CgroupException noMount = assertThrows(CgroupException.class, () -> TaskCpuset.of(root, SYS, 42, 43));
        assertTrue(noMount.getMessage().startsWith("no cgroup2 mount in " + root.resolve("1/mountinfo") + " holds the cgroup /sb"),
                noMount.getMessage());
    }

    /**
     * Runs {@link TaskCpusetProbe} in a new cgroup namespace whose root is {@code namespaceRoot}: a
     * shell moves itself there, then execs unshare.
     */
    private List<String> runInCgroupNamespace(Path namespaceRoot, int pid) throws IOException, InterruptedException {
        String probe = String.join(" ", List.of(JAVA, "--module-path", System.getProperty("jdk.module.path"),
                "--patch-module", "kata.pinning.cgroup=" + TEST_CLASSES,
                "--module", "kata.pinning.cgroup/" + TaskCpusetProbe.class.getName(), Integer.toString(pid)));
        String script = "echo $$ > " + namespaceRoot.resolve("cgroup.procs") + " && exec unshare --cgroup " + probe;
        Process child = new ProcessBuilder("sh", "-c", script).redirectError(tmp.resolve("stderr.txt").toFile()).start();
        child.getOutputStream().close();
        List<String> out = child.inputReader().lines().toList();
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
        assertEquals(0, child.exitValue(), () -> out + "\n" + read(tmp.resolve("stderr.txt")));
        return out;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
