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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import kata.pinning.internal.KvmTrace;
import kata.pinning.launcher.QemuLauncher;
import kata.pinning.qmp.CpuInfoFast;
import kata.pinning.qmp.HotpluggableCpu;
import kata.pinning.qmp.QmpClient;
import kata.pinning.testing.NamedThreads;
import kata.pinning.testing.QemuVm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code kvm} source on a real, running QEMU under KVM, without {@code debug-threads}, whose
 * QMP socket a client holds for the whole test as Kata's runtime does; a second QMP socket tells
 * the truth to compare with. Skipped with the reason where KVM is not usable.
 */
class KvmSourceKvmQemuTest {

    private static final Path PROC = Path.of("/proc");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** SeaBIOS keeps vCPU 0 in guest code for a few seconds after start; a scan may be retried meanwhile. */
    private static final long SETTLE_MILLIS = 30_000;

    @TempDir
    Path dir;

    @BeforeAll
    static void requireKvm() {
        QemuVm.assumeQemu();
        assumeTrue(QemuLauncher.kvmUsable(), "no usable KVM: /dev/kvm does not open for reading and writing");
    }

    /** Starts a running VM with a second QMP socket and skips the test if QEMU fell back to TCG. */
    private QemuVm startRunning(Path workDir, int vcpus, int maxVcpus) throws IOException {
        QemuVm vm = QemuVm.startRunning(workDir, vcpus, maxVcpus, "-qmp", "unix:" + second(workDir) + ",server=on,wait=off");
        if (vm.accelerator() != QemuVm.Accelerator.KVM) {
            vm.close();
            assumeTrue(false, "QEMU did not start under KVM (-cpu host and -cpu qemu64 failed): " + vm.fallbackLines());
        }
        return vm;
    }

    private static Path second(Path workDir) {
        return workDir.toAbsolutePath().resolve("second.sock");
    }

    /** Scans anew until it succeeds with {@code expected} vCPUs, as SeaBIOS lets vCPU 0 halt. */
    private static List<VcpuThread> settled(VmmKind kind, QemuVm vm, int expected) throws Exception {
        long deadline = System.currentTimeMillis() + SETTLE_MILLIS;
        IOException last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                List<VcpuThread> vcpus = Vmm.kvm(kind, (int) vm.pid(), PROC).vcpus();
                if (vcpus.size() == expected) {
                    return vcpus;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no scan found " + expected + " vCPUs within " + SETTLE_MILLIS + " ms", last);
    }

    private static Map<Integer, Integer> pairs(List<VcpuThread> vcpus) {
        return vcpus.stream().collect(Collectors.toMap(VcpuThread::index, VcpuThread::threadId, (a, b) -> a, TreeMap::new));
    }

    private static Map<Integer, Integer> overQmp(QmpClient qmp) throws IOException {
        return qmp.queryCpusFast().stream()
                .collect(Collectors.toMap(CpuInfoFast::cpuIndex, CpuInfoFast::threadId, (a, b) -> a, TreeMap::new));
    }

    @Test
    void pairsEqualQueryCpusFastWhileTheRuntimeHoldsTheSocketAndNoKernelWorkerIsTaken() throws Exception {
        try (QemuVm vm = startRunning(dir, 4, 4);
             QmpClient runtime = QmpClient.connect(vm.qmpSocket(), TIMEOUT);
             QmpClient truth = QmpClient.connect(second(dir), TIMEOUT)) {
            Map<Integer, Integer> found = pairs(settled(VmmKind.QEMU, vm, 4));
            assertEquals(overQmp(truth), found);
            for (int tid : found.values()) {
                String stat = Files.readString(PROC.resolve(vm.pid() + "/task/" + tid + "/stat"));
                assertFalse(KvmTrace.isKernelWorker(KvmTrace.flags(stat)), "a kernel worker was taken: " + stat);
            }
            assertTrue(runtime.isOpen());
        }
    }

    @Test
    void namesPlayNoPartNeitherADecoyInTheVmmNorOneInAnotherProcess() throws Exception {
        try (QemuVm vm = startRunning(dir, 2, 2);
             QmpClient truth = QmpClient.connect(second(dir), TIMEOUT);
             NamedThreads other = NamedThreads.start(dir, "cloud-hypervisor", List.of("vcpu0", "vcpu1"), List.of())) {
            int pid = (int) vm.pid();
            Files.writeString(PROC.resolve(pid + "/task/" + pid + "/comm"), "vcpu0"); // QEMU's main thread as a decoy
            assertEquals(List.of(new VcpuThread(0, pid)), Vmm.threadNames(VmmKind.CLOUD_HYPERVISOR, pid, PROC).vcpus());
            Map<Integer, Integer> found = pairs(settled(VmmKind.CLOUD_HYPERVISOR, vm, 2));
            assertEquals(overQmp(truth), found);
            assertFalse(found.containsValue(pid));
            assertFalse(found.containsValue(other.tid("vcpu0")));
        }
    }

    @Test
    void aHotPluggedVcpuIsFoundByTheNextCheck() throws Exception {
        try (QemuVm vm = startRunning(dir, 1, 2);
             QmpClient runtime = QmpClient.connect(vm.qmpSocket(), TIMEOUT);
             QmpClient truth = QmpClient.connect(second(dir), TIMEOUT)) {
            settled(VmmKind.QEMU, vm, 1);
            Vmm kvm = Vmm.kvm(VmmKind.QEMU, (int) vm.pid(), PROC);
            TaskListing before = TaskListing.read(PROC, (int) vm.pid());
            assertEquals(1, kvm.vcpus(before).size());
            HotpluggableCpu free = truth.queryHotpluggableCpus().stream().filter(slot -> !slot.isPlugged()).findFirst().orElseThrow();
            truth.execute("device_add", free.deviceAddArguments("plugged"));
            TaskListing after = TaskListing.read(PROC, (int) vm.pid());
            for (int i = 0; i < 200 && after.sameThreads(before); i++) {
                Thread.sleep(50); // device_add returns once the thread exists; this only guards the listing
                after = TaskListing.read(PROC, (int) vm.pid());
            }
            assertEquals(overQmp(truth), pairs(kvm.vcpus(after)));
            assertEquals(2, kvm.vcpus(after).size());
        }
    }

    @Test
    void aPausedVmGivesThePausedError() throws Exception {
        try (QemuVm vm = QemuVm.start(dir, 2, 2)) {
            assumeTrue(vm.accelerator() == QemuVm.Accelerator.KVM, "QEMU did not start under KVM: " + vm.fallbackLines());
            IOException e = assertThrows(IOException.class, Vmm.kvm(VmmKind.QEMU, (int) vm.pid(), PROC)::vcpus);
            assertEquals("qemu pid " + vm.pid() + ": 2 KVM vCPUs but no thread in KVM_RUN within 200 ms: the VM is paused "
                    + "or not started; resume it (QMP cont) and check again", e.getMessage());
        }
    }
}
