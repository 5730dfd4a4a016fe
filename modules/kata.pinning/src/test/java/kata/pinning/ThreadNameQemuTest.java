package kata.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import kata.pinning.qmp.QmpClient;
import kata.pinning.testing.QemuVm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QEMU's vCPU threads found by name, with {@code debug-threads=on}, are the ones QMP reports. */
class ThreadNameQemuTest {

    @Test
    void namedThreadsAreTheVcpusQmpReports(@TempDir Path dir) throws Exception {
        try (QemuVm vm = QemuVm.start(dir, 2, 3, "-name", "t,debug-threads=on");
             QmpClient qmp = QmpClient.connect(vm.qmpSocket(), Duration.ofSeconds(10))) {
            List<VcpuThread> overQmp = Vmm.qemu(qmp, (int) vm.pid()).vcpus().stream()
                    .map(v -> new VcpuThread(v.index(), v.threadId()))
                    .sorted(Comparator.comparingInt(VcpuThread::index))
                    .toList();
            Vmm byName = Vmm.threadNames(VmmKind.QEMU, (int) vm.pid(), Path.of("/proc"));

            assertEquals(2, overQmp.size());
            assertEquals(overQmp, byName.vcpus());
            assertEquals("qemu", byName.kind());
        }
    }

    @Test
    void withoutDebugThreadsNoThreadIsNamedAsAVcpu(@TempDir Path dir) throws Exception {
        try (QemuVm vm = QemuVm.start(dir, 2, 2)) {
            assertEquals(List.of(), Vmm.threadNames(VmmKind.QEMU, (int) vm.pid(), Path.of("/proc")).vcpus());
        }
    }
}
