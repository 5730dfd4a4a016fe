package kata.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import kata.pinning.SandboxStatus.PinState;
import kata.pinning.affinity.AffinityException;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.config.CgroupConfig;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.cpuset.HostCpus;
import kata.pinning.qmp.CpuInfoFast;
import kata.pinning.qmp.QmpClient;
import kata.pinning.testing.QemuVm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cgroup step for real, on the host's cgroup v1 cpuset hierarchy, with a real QEMU moved into
 * the sandbox cgroup {@code kata-pinning-test-<id>/sandbox}: the cgroup gets the union and the pins
 * made after it survive (cgroup v1 recomputes every member task's affinity when its cpuset changes,
 * which is why the cgroup is written first); once no container is left, or when a first add is
 * rolled back, the cgroup is its parent's again. Every affinity is read from {@code /proc}.
 */
class SandboxResourcesCgroupV1QemuTest {

    private static final Path CPUSET_V1 = Path.of("/sys/fs/cgroup/cpuset");

    @TempDir
    Path workDir;
    private final String parentPath = "kata-pinning-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private final String path = parentPath + "/sandbox";
    private final Path parent = CPUSET_V1.resolve(parentPath);
    private final Path cgroup = CPUSET_V1.resolve(path);
    private QemuVm vm;
    private QmpClient qmp;
    private int pid;
    private SandboxResources sandbox;

    @BeforeEach
    void requireCgroupV1Cpuset() {
        assumeTrue(Files.isWritable(CPUSET_V1.resolve("cgroup.procs")), "needs a writable cgroup v1 cpuset hierarchy");
        assumeTrue(HostCpus.online().containsAll(CpuSet.of(0, 1)), "needs CPUs 0 and 1 online");
    }

    @AfterEach
    void stopQemuAndRemoveCgroups() throws IOException {
        if (qmp != null) {
            qmp.close();
        }
        if (vm != null) {
            vm.close(); // QEMU has exited: the cgroup is empty
        }
        if (sandbox != null) {
            sandbox.delete();
        }
        Files.deleteIfExists(parent);
        assertFalse(Files.exists(cgroup), "the sandbox cgroup is removed");
    }

    /** Starts QEMU and a sandbox whose configuration has an overhead cgroup, so that the VM start moves QEMU in. */
    private void startSandbox(int vcpus, ThreadAffinity affinity) throws IOException {
        vm = QemuVm.start(workDir, vcpus, vcpus);
        qmp = QmpClient.connect(vm.qmpSocket(), Duration.ofSeconds(10));
        pid = (int) vm.pid();
        sandbox = SandboxResources.builder()
                .qemu(qmp, pid)
                .affinity(affinity)
                .cgroupConfig(new CgroupConfig(path, "kata_overhead/" + parentPath, false, true))
                .defaultVcpus(vcpus)
                .build();
    }

    @Test
    void afterAContainerAddQemuIsInTheSandboxCgroupWhoseCpusAreTheUnionAndItsVcpusArePinned() throws IOException {
        startSandbox(2, ThreadAffinity.linux());
        sandbox.vmStarted();
        sandbox.update(new ContainerEvent.Added("c1", CpuResources.parse("0-1", "0")));

        assertEquals("0-1", read("cpuset.cpus"));
        assertEquals("0", read("cpuset.mems"));
        assertTrue(Files.readAllLines(cgroup.resolve("cgroup.procs")).contains(Integer.toString(pid)));
        assertTrue(Files.readAllLines(Path.of("/proc", Integer.toString(pid), "cgroup")).stream()
                .anyMatch(line -> line.endsWith(":cpuset:/" + path)), "QEMU's cpuset cgroup is the sandbox's");
        assertEquals(List.of(CpuSet.of(0), CpuSet.of(1)), vcpuAffinities());

        sandbox.update(new ContainerEvent.Updated("c1", CpuResources.parse("1", "0")));
        assertEquals("1", read("cpuset.cpus"));
        assertEquals(List.of(CpuSet.of(1), CpuSet.of(1)), vcpuAffinities());
    }

    @Test
    void deletingEveryContainerGivesTheCgroupItsParentsCpusetAndEveryVcpuTheVmmsOwnAffinity() throws IOException {
        startSandbox(2, ThreadAffinity.linux());
        CpuSet vmmOwn = ProcStatus.cpusAllowed(pid, pid); // what vmStarted takes as QEMU's own
        sandbox.vmStarted();
        sandbox.update(new ContainerEvent.Added("c1", CpuResources.parse("0", "0")));
        sandbox.update(new ContainerEvent.Added("c2", CpuResources.parse("1", "0")));
        assertEquals(List.of(CpuSet.of(0), CpuSet.of(1)), vcpuAffinities());
        sandbox.update(new ContainerEvent.Deleted("c1"));
        assertEquals("1", read("cpuset.cpus"));
        assertEquals(List.of(CpuSet.of(1), CpuSet.of(1)), vcpuAffinities(), "reset to the union of what is left");

        sandbox.update(new ContainerEvent.Deleted("c2"));

        assertEquals(Files.readString(parent.resolve("cpuset.cpus")).strip(), read("cpuset.cpus"));
        assertEquals(Files.readString(parent.resolve("cpuset.mems")).strip(), read("cpuset.mems"));
        assertEquals(List.of(vmmOwn, vmmOwn), vcpuAffinities(), "no longer clamped by the deleted containers' CPUs");
        assertEquals(PinState.UNPINNED, sandbox.status().pinState());
    }

    @Test
    void aFirstAddWhosePinFailsLeavesTheCgroupFilesAsTheyWere() throws IOException {
        // One vCPU, so that a container on one CPU narrows the cgroup and is pinned to.
        startSandbox(1, failingFirstSet(ThreadAffinity.linux()));
        sandbox.vmStarted();
        List<String> before = List.of(read("cpuset.cpus"), read("cpuset.mems"));

        PinningException e = assertThrows(PinningException.class,
                () -> sandbox.update(new ContainerEvent.Added("c1", CpuResources.parse("1", "0"))));

        assertEquals(PinningException.Kind.AFFINITY, e.kind());
        assertEquals(before, List.of(read("cpuset.cpus"), read("cpuset.mems")));
        assertEquals(Map.of(), sandbox.status().containers());
    }

    @Test
    void aFirstAddWithNodesTheKernelRefusesLeavesTheCgroupFilesAsTheyWere() throws IOException {
        startSandbox(1, ThreadAffinity.linux());
        sandbox.vmStarted();
        List<String> before = List.of(read("cpuset.cpus"), read("cpuset.mems"));
        CpuSet noSuchNode = CpuSet.of(CpuSet.parse(Files.readString(Path.of("/sys/devices/system/node/possible"))).last() + 1);

        PinningException e = assertThrows(PinningException.class,
                () -> sandbox.update(new ContainerEvent.Added("c1", new CpuResources(CpuSet.of(1), noSuchNode))));

        assertEquals(PinningException.Kind.CGROUP, e.kind());
        assertTrue(e.getMessage().contains(cgroup.resolve("cpuset.mems").toString()), e.getMessage());
        assertEquals(before, List.of(read("cpuset.cpus"), read("cpuset.mems")));
    }

    private String read(String file) throws IOException {
        return Files.readString(cgroup.resolve(file)).strip();
    }

    /** Each vCPU thread's allowed CPUs as /proc shows them, in vCPU index order. */
    private List<CpuSet> vcpuAffinities() throws IOException {
        List<CpuSet> affinities = new ArrayList<>();
        for (CpuInfoFast cpu : qmp.queryCpusFast().stream().sorted(Comparator.comparingInt(CpuInfoFast::cpuIndex)).toList()) {
            affinities.add(ProcStatus.cpusAllowed(pid, cpu.threadId()));
        }
        return affinities;
    }

    /**
     * The real affinity calls, except that the first read and the first set fail with EPERM, as for a
     * thread the runtime may not touch. The read fails too because the cgroup write has already
     * given the thread its one CPU, and a check sets only the threads that differ from its plan.
     */
    private ThreadAffinity failingFirstSet(ThreadAffinity real) {
        return new ThreadAffinity() {
            private boolean failed;
            private boolean readFailed;

            @Override
            public CpuSet get(int tid) {
                if (!readFailed && tid != pid) {
                    readFailed = true;
                    throw new AffinityException("sched_getaffinity", 1, "EPERM", tid, null);
                }
                return real.get(tid);
            }

            @Override
            public void set(int tid, CpuSet cpus) {
                if (!failed) {
                    failed = true;
                    throw new AffinityException("sched_setaffinity", 1, "EPERM", tid, cpus);
                }
                real.set(tid, cpus);
            }
        };
    }
}
