package kata.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import kata.pinning.cgroup.SandboxCgroup;
import kata.pinning.config.NumaConfig;
import kata.pinning.config.PinningPolicy;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.cpuset.HostCpus;
import kata.pinning.qmp.CpuInfoFast;
import kata.pinning.qmp.QmpClient;
import kata.pinning.testing.QemuVm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guest NUMA on a real QEMU with two guest nodes and the real kernel, checked through
 * {@code /proc/<qemu>/task/<tid>/status}. The host topology is a sysfs tree of files with two nodes,
 * CPU 0 and CPU 1, so the test runs on a host with one NUMA node. Under {@code fit}, 4 vCPUs for the
 * 2 CPUs: each node pins its first vCPU to its CPU and keeps its second on that node's CPU in the union.
 */
class SandboxNumaQemuTest {

    private static final CpuSet BOTH = CpuSet.of(0, 1);

    @TempDir
    Path dir;

    @Test
    void fitPinsEachVcpuWithinTheNodeQemuReports() throws IOException {
        assertEquals(List.of(CpuSet.of(0), CpuSet.of(0), CpuSet.of(1), CpuSet.of(1)), placeOnQemu("0-1", "2-3"));
    }

    @Test
    void swappingTheGuestNodesCpusSwapsThePlacement() throws IOException {
        // A proportional split by index would give the same answer as above: only props.node-id gives this one.
        assertEquals(List.of(CpuSet.of(1), CpuSet.of(1), CpuSet.of(0), CpuSet.of(0)), placeOnQemu("2-3", "0-1"));
    }

    /** Starts QEMU with vCPUs {@code node0Cpus} on guest node 0 and the others on node 1; returns the affinities. */
    private List<CpuSet> placeOnQemu(String node0Cpus, String node1Cpus) throws IOException {
        assumeTrue(HostCpus.online().containsAll(BOTH), "needs CPUs 0 and 1 online");
        Path sysfs = SysfsTree.write(dir.resolve("sys"), "0-1", "0-1", "0", "1");
        Path vmDir = Files.createDirectory(dir.resolve("vm"));
        try (QemuVm vm = QemuVm.start(vmDir, 4, 4,
                "-object", "memory-backend-ram,id=m0,size=64M", "-object", "memory-backend-ram,id=m1,size=64M",
                "-numa", "node,nodeid=0,cpus=" + node0Cpus + ",memdev=m0",
                "-numa", "node,nodeid=1,cpus=" + node1Cpus + ",memdev=m1");
             QmpClient qmp = QmpClient.connect(vm.qmpSocket(), Duration.ofSeconds(10))) {
            List<CpuInfoFast> cpus = qmp.queryCpusFast().stream().sorted(Comparator.comparingInt(CpuInfoFast::cpuIndex)).toList();
            assertEquals(OptionalInt.of(node0Cpus.startsWith("0") ? 0 : 1), cpus.getFirst().props().nodeId(),
                    "QEMU reports each vCPU's guest node");
            SandboxResources sandbox = SandboxResources.builder()
                    .qemu(qmp, (int) vm.pid())
                    .pinningEnabled(true)
                    .policy(PinningPolicy.FIT)
                    .numa(new NumaConfig(true, List.of()))
                    .sysfsRoot(sysfs)
                    .defaultVcpus(4)
                    .cgroup(SandboxCgroup.none())
                    .build();
            // The container comes first, so that the check at VM start places from QEMU's own affinity.
            sandbox.update(new ContainerEvent.Added("c1", CpuResources.parse("0-1", "")));
            sandbox.vmStarted();
            assertEquals("4 vCPUs for 2 CPUs (0-1): 2 pinned, 2 on their node's CPUs", sandbox.status().lastReason());
            List<CpuSet> affinities = new ArrayList<>();
            for (CpuInfoFast cpu : cpus) {
                affinities.add(ProcStatus.cpusAllowed(vm.pid(), cpu.threadId()));
            }
            return affinities;
        }
    }
}
