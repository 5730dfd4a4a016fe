package kata.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import kata.pinning.config.CgroupConfig;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.cpuset.HostCpus;
import kata.pinning.qmp.CpuInfoFast;
import kata.pinning.qmp.QmpClient;
import kata.pinning.testing.QemuVm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cgroup step for real, on the host's cgroup v1 cpuset hierarchy, with a real QEMU: the VMM
 * is moved into the sandbox cgroup, the cgroup gets the union, and the pins made after it survive
 * (cgroup v1 rewrites every member task's affinity when its cpuset changes, which is why the cgroup
 * is written first).
 */
class SandboxResourcesCgroupV1QemuTest {

    private static final Path CPUSET_V1 = Path.of("/sys/fs/cgroup/cpuset");

    @TempDir
    Path workDir;

    @Test
    void afterAContainerAddQemuIsInTheSandboxCgroupWhoseCpusAreTheUnionAndItsVcpusArePinned() throws IOException {
        assumeTrue(Files.isWritable(CPUSET_V1.resolve("cgroup.procs")), "needs a writable cgroup v1 cpuset hierarchy");
        assumeTrue(HostCpus.online().containsAll(CpuSet.of(0, 1)), "needs CPUs 0 and 1 online");
        String path = "kata-pinning-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path cgroup = CPUSET_V1.resolve(path);
        SandboxResources sandbox = null;
        try (QemuVm vm = QemuVm.start(workDir, 2, 2); QmpClient qmp = QmpClient.connect(vm.qmpSocket(), Duration.ofSeconds(10))) {
            int pid = (int) vm.pid();
            // Not sandbox_cgroup_only: there is an overhead cgroup, so the VMM moves into the sandbox cgroup.
            sandbox = SandboxResources.builder()
                    .qemu(qmp, pid)
                    .cgroupConfig(new CgroupConfig(path, "kata_overhead/" + path, false, true))
                    .defaultVcpus(2)
                    .build();
            sandbox.vmStarted();
            sandbox.update(new ContainerEvent.Added("c1", CpuResources.parse("0-1", "0")));

            assertEquals("0-1", Files.readString(cgroup.resolve("cpuset.cpus")).strip());
            assertEquals("0", Files.readString(cgroup.resolve("cpuset.mems")).strip());
            assertTrue(Files.readAllLines(cgroup.resolve("cgroup.procs")).contains(Integer.toString(pid)));
            assertTrue(Files.readAllLines(Path.of("/proc", Integer.toString(pid), "cgroup")).stream()
                    .anyMatch(line -> line.endsWith(":cpuset:/" + path)), "QEMU's cpuset cgroup is the sandbox's");
            List<CpuInfoFast> vcpus = qmp.queryCpusFast().stream()
                    .sorted(Comparator.comparingInt(CpuInfoFast::cpuIndex)).toList();
            assertEquals(CpuSet.of(0), ProcStatus.cpusAllowed(pid, vcpus.get(0).threadId()));
            assertEquals(CpuSet.of(1), ProcStatus.cpusAllowed(pid, vcpus.get(1).threadId()));

            sandbox.update(new ContainerEvent.Updated("c1", CpuResources.parse("1", "0")));
            assertEquals("1", Files.readString(cgroup.resolve("cpuset.cpus")).strip());
            assertEquals(CpuSet.of(1), ProcStatus.cpusAllowed(pid, vcpus.get(0).threadId()));
        } finally {
            if (sandbox != null) {
                sandbox.delete(); // QEMU has exited: the cgroup is empty
            }
        }
        assertFalse(Files.exists(cgroup), "the sandbox cgroup is removed");
    }
}
