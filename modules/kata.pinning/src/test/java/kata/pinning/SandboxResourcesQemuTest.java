package kata.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import kata.pinning.SandboxStatus.Outcome;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cgroup.SandboxCgroup;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.cpuset.HostCpus;
import kata.pinning.qmp.CpuInfoFast;
import kata.pinning.qmp.HotpluggableCpu;
import kata.pinning.qmp.QmpClient;
import kata.pinning.qmp.QmpException;
import kata.pinning.testing.QemuVm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle of issue 6 on a real QEMU (KVM when usable, else TCG with one thread per vCPU) and
 * the real kernel, checked through {@code /proc/<qemu>/task/<tid>/status}. The steps build on each
 * other, so they run in order on one VM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxResourcesQemuTest {

    private static final CpuSet BOTH = CpuSet.of(0, 1);

    @TempDir
    static Path workDir;
    static QemuVm vm;
    static QmpClient qmp;
    static SandboxResources sandbox;
    /** QEMU's own affinity, narrowed to CPU 1 so that "reset to QEMU's own" differs from "reset to the union". */
    static final CpuSet QEMU_OWN = CpuSet.of(1);

    @BeforeAll
    static void startQemu() throws IOException {
        assumeTrue(HostCpus.online().containsAll(BOTH), "needs CPUs 0 and 1 online");
        vm = QemuVm.start(workDir, 2, 3);
        qmp = QmpClient.connect(vm.qmpSocket(), Duration.ofSeconds(10));
        // As a runtime that starts QEMU on a restricted CPU set would: vCPU threads created from now
        // on (the hot-plugged one) inherit this from QEMU's main thread.
        ThreadAffinity.linux().set((int) vm.pid(), QEMU_OWN);
        sandbox = SandboxResources.builder()
                .qemu(qmp, (int) vm.pid())
                .pinningEnabled(true)
                .defaultVcpus(2)
                .cgroup(SandboxCgroup.none())
                .build();
        sandbox.vmStarted();
    }

    @AfterAll
    static void stopQemu() {
        if (qmp != null) {
            qmp.close();
        }
        if (vm != null) {
            vm.close();
        }
    }

    /** Each vCPU thread's allowed CPUs as /proc shows them, in vCPU index order. */
    private static List<CpuSet> vcpuAffinities() throws IOException {
        List<CpuSet> affinities = new ArrayList<>();
        for (CpuInfoFast cpu : vcpus()) {
            affinities.add(ProcStatus.cpusAllowed(vm.pid(), cpu.threadId()));
        }
        return affinities;
    }

    private static List<CpuInfoFast> vcpus() throws QmpException {
        return qmp.queryCpusFast().stream().sorted(Comparator.comparingInt(CpuInfoFast::cpuIndex)).toList();
    }

    @Test
    @Order(1)
    void qemuRunsEachVcpuOnItsOwnThread() throws IOException {
        List<CpuInfoFast> vcpus = vcpus();
        assertEquals(2, vcpus.size());
        assertNotEquals(vcpus.get(0).threadId(), vcpus.get(1).threadId(), "multi-threaded TCG or KVM expected");
        assertEquals(List.of(BOTH, BOTH), vcpuAffinities(), "started before QEMU's main thread was narrowed");
    }

    @Test
    @Order(2)
    void addingAContainerWithCpus0To1PinsEachVcpuToItsOwnCpu() throws IOException {
        sandbox.update(new ContainerEvent.Added("c1", CpuResources.parse("0-1", "")));
        assertEquals(List.of(CpuSet.of(0), CpuSet.of(1)), vcpuAffinities());
        assertEquals(Outcome.PLACED, sandbox.status().lastOutcome());
    }

    @Test
    @Order(3)
    void updatingToCpu0ResetsBothVcpusToIt() throws IOException {
        sandbox.update(new ContainerEvent.Updated("c1", CpuResources.parse("0", "")));
        assertEquals(List.of(CpuSet.of(0), CpuSet.of(0)), vcpuAffinities());
    }

    @Test
    @Order(4)
    void updatingBackTo0To1PinsAgain() throws IOException {
        sandbox.update(new ContainerEvent.Updated("c1", CpuResources.parse("0-1", "")));
        assertEquals(List.of(CpuSet.of(0), CpuSet.of(1)), vcpuAffinities());
    }

    @Test
    @Order(5)
    void aHotPluggedVcpuAndAnUnchangedUpdateResetAllThreeToTheUnion() throws IOException {
        HotpluggableCpu free = qmp.queryHotpluggableCpus().stream()
                .filter(slot -> !slot.isPlugged()).findFirst().orElseThrow();
        qmp.execute("device_add", free.deviceAddArguments("vcpu2"));
        assertEquals(List.of(CpuSet.of(0), CpuSet.of(1), QEMU_OWN), vcpuAffinities(), "the new vCPU floats");

        sandbox.update(new ContainerEvent.Updated("c1", CpuResources.parse("0-1", ""))); // as a quota-only update
        assertEquals(List.of(BOTH, BOTH, BOTH), vcpuAffinities());
        assertEquals(Outcome.WIDENED, sandbox.status().lastOutcome());
    }

    @Test
    @Order(6)
    void deletingEveryContainerResetsToQemusOwnAffinity() throws IOException {
        sandbox.update(new ContainerEvent.Deleted("c1"));
        CpuSet own = ProcStatus.cpusAllowed(vm.pid(), vm.pid());
        assertEquals(QEMU_OWN, own);
        assertEquals(List.of(own, own, own), vcpuAffinities());
    }

    @Test
    @Order(7)
    void statusReportsWhatProcShows() throws IOException {
        List<CpuSet> fromProc = vcpuAffinities();
        List<CpuSet> fromStatus = sandbox.status().vcpus().stream().map(v -> v.affinity().orElseThrow()).toList();
        assertEquals(fromProc, fromStatus);
    }
}
