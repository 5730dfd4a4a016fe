package kata.pinning.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import kata.pinning.launcher.QemuAttemptFailure;
import kata.pinning.launcher.QemuChoice;
import kata.pinning.launcher.QemuLauncher;
import kata.pinning.launcher.QemuStartException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's choices with a real QEMU behind the wrappers of {@link QemuWrappers}, through the
 * test kit. The KVM probe opens a stand-in file, so the KVM attempts are made on hosts without
 * {@code /dev/kvm} as well; there the real QEMU fails its KVM start too and the launcher ends on TCG.
 */
class QemuLauncherFallbackTest {

    /** Far more than a failed start takes, far less than the 30 s a live but silent QEMU gets. */
    private static final Duration QUICK = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    @TempDir
    Path bin;

    @BeforeAll
    static void requireQemu() {
        QemuVm.assumeQemu();
    }

    @Test
    void aHostThatRefusesTheHostModelsMsrFallsBackToTheBaselineModel() throws IOException {
        String path = QemuWrappers.refusingHostCpuModels(bin);
        try (QemuVm vm = QemuVm.start(launcher(path).build())) {
            List<String> lines = vm.fallbackLines();
            assertEquals("KVM with -cpu host failed: failed to set MSR 0x10a to 0x69; using KVM with -cpu qemu64", lines.getFirst());
            if (QemuLauncher.kvmUsable()) {
                assertEquals(QemuChoice.KVM_BASELINE, vm.choice());
                assertEquals(1, lines.size(), lines::toString);
            } else { // the real QEMU has no KVM either
                assertEquals(QemuChoice.TCG_MAX, vm.choice());
                assertTrue(lines.get(1).startsWith("KVM with -cpu qemu64 failed: "), lines::toString);
                assertTrue(lines.get(1).endsWith("; using TCG with -cpu max"), lines::toString);
            }
            assertEquals(QemuVm.Accelerator.valueOf(vm.choice().accelerator().name()), vm.accelerator());
            assertTrue(cmdline(vm.pid()).contains(vm.choice().cpuModel()), "-cpu of " + vm.choice());
            assertGreets(vm.qmpSocket());
        }
    }

    @Test
    void aHostWhereEveryKvmStartFailsEndsOnTcg() throws IOException {
        String path = QemuWrappers.failingKvm(bin);
        try (QemuVm vm = QemuVm.start(launcher(path).build())) {
            assertEquals(QemuChoice.TCG_MAX, vm.choice());
            assertEquals(QemuVm.Accelerator.TCG, vm.accelerator());
            assertEquals(List.of(
                    "KVM with -cpu host failed: failed to initialize kvm: Permission denied; using KVM with -cpu qemu64",
                    "KVM with -cpu qemu64 failed: failed to initialize kvm: Permission denied; using TCG with -cpu max"),
                    vm.fallbackLines());
            assertGreets(vm.qmpSocket());
        }
    }

    @Test
    void aQemuThatAlwaysFailsGivesOneErrorQuotingEachAttemptAtOnce() throws IOException {
        String path = QemuWrappers.alwaysFailing(bin, "this host has no VMs today");
        long started = System.nanoTime();
        QemuStartException e = assertThrows(QemuStartException.class, () -> QemuVm.start(launcher(path).build()));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(QUICK) < 0, "no wait for a QEMU that exited, took " + took);
        assertEquals(List.of(QemuChoice.KVM_HOST, QemuChoice.KVM_BASELINE, QemuChoice.TCG_MAX),
                e.failures().stream().map(QemuAttemptFailure::choice).toList());
        for (QemuAttemptFailure failure : e.failures()) {
            assertEquals("this host has no VMs today", failure.message());
            assertEquals(1, failure.exitStatus().orElseThrow());
            assertTrue(e.getMessage().contains(failure.choice() + " failed: QEMU exited with status 1: this host has no VMs today"),
                    e::getMessage);
        }
    }

    @Test
    void aQemuThatDiesAfterCreatingItsSocketIsNoStart() throws IOException {
        // QEMU listens on its QMP socket before it creates devices, so the socket is there when it exits.
        long started = System.nanoTime();
        QemuStartException e = assertThrows(QemuStartException.class, () -> QemuVm.start(
                QemuLauncher.builder(dir).forcedAccelerator("tcg").extraArgs(List.of("-device", "no-such-device")).build()));
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(QUICK) < 0);
        QemuAttemptFailure failure = e.failures().getFirst();
        assertEquals(1, e.failures().size());
        assertTrue(failure.message().contains("'no-such-device' is not a valid device model name"), failure::toString);
        assertTrue(failure.exitStatus().isPresent(), failure::toString);
        assertFalse(Files.exists(dir.resolve(QemuVm.SOCKET_NAME)), "the launcher removes the socket QEMU left behind");
    }

    @Test
    void forcedKvmNeverEndsOnTcg() throws IOException {
        String path = QemuWrappers.failingKvm(bin);
        QemuStartException e = assertThrows(QemuStartException.class,
                () -> QemuVm.start(launcher(path).forcedAccelerator("kvm").build()));
        assertEquals(List.of(QemuChoice.KVM_HOST, QemuChoice.KVM_BASELINE),
                e.failures().stream().map(QemuAttemptFailure::choice).toList());
    }

    @Test
    void forcedTcgSkipsKvmAndTheMemorySizeIsTheCallers() throws IOException {
        String path = QemuWrappers.refusingHostCpuModels(bin);
        try (QemuVm vm = QemuVm.start(launcher(path).forcedAccelerator("TCG").memory("256M").build())) {
            assertEquals(QemuChoice.TCG_MAX, vm.choice());
            assertEquals(List.of(), vm.fallbackLines());
            List<String> args = cmdline(vm.pid());
            assertEquals("256M", args.get(args.indexOf("-m") + 1), args::toString);
        }
    }

    @Test
    void aBadAcceleratorValueIsOneErrorBeforeAnythingRuns() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QemuLauncher.builder(dir).forcedAccelerator("xen").build());
        assertEquals("KATA_PINNING_QEMU_ACCEL must be kvm or tcg, not 'xen'", e.getMessage());
        assertFalse(Files.exists(dir.resolve(QemuVm.LOG_NAME)));
    }

    private QemuLauncher.Builder launcher(String searchPath) throws IOException {
        return QemuLauncher.builder(dir).vcpus(1, 2).searchPath(searchPath)
                .kvmDevice(QemuWrappers.kvmStandIn(bin)).forcedAccelerator(null);
    }

    /** The socket is free for the caller's client, and QEMU greets it. */
    private static void assertGreets(Path socket) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (buffer.position() == 0 || buffer.get(buffer.position() - 1) != '\n') {
                assertTrue(channel.read(buffer) >= 0, "QEMU closed the QMP socket");
            }
            String greeting = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            assertTrue(greeting.startsWith("{\"QMP\""), greeting);
        }
    }

    private static List<String> cmdline(long pid) throws IOException {
        String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
        return List.of(raw.split("\0"));
    }
}
