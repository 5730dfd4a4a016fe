package kata.pinning.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class QemuVmTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void requireQemu() {
        QemuVm.assumeQemu();
    }

    @Test
    void startsPausedVmWithQmpSocketAndTheExpectedAccelerator() throws IOException {
        try (QemuVm vm = QemuVm.start(dir, 2, 4)) {
            assertTrue(vm.isAlive());
            assertEquals(dir.toAbsolutePath().resolve("qmp.sock"), vm.qmpSocket());
            assertTrue(Files.readAttributes(vm.qmpSocket(), BasicFileAttributes.class).isOther(), "a socket, not a file");
            // KATA_PINNING_QEMU_ACCEL=tcg forces TCG even where KVM works; unset, KVM is used whenever it opens.
            boolean forcedTcg = "tcg".equals(System.getenv(kata.pinning.launcher.Accelerator.ENVIRONMENT_VARIABLE));
            assertEquals(kvmOpensReadWrite() && !forcedTcg ? QemuVm.Accelerator.KVM : QemuVm.Accelerator.TCG, vm.accelerator());

            List<String> args = cmdline(vm.pid());
            assertTrue(args.getFirst().endsWith("qemu-system-x86_64"), args::toString);
            assertTrue(args.contains("-S"), "paused: " + args);
            assertTrue(args.contains("2,maxcpus=4"), args::toString);
            assertTrue(args.contains("q35,accel=" + vm.accelerator().name().toLowerCase()), args::toString);
        }
    }

    @Test
    void closeStopsQemuAndIsIdempotent() throws IOException {
        QemuVm vm = QemuVm.start(dir, 1, 1);
        long pid = vm.pid();
        vm.close();
        assertFalse(vm.isAlive());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still alive");
        assertDoesNotThrow(vm::close);
    }

    @Test
    void passesExtraArgumentsToQemu() throws IOException {
        try (QemuVm vm = QemuVm.start(dir, 1, 2, "-name", "kata-pinning-test-vm")) {
            assertTrue(cmdline(vm.pid()).contains("kata-pinning-test-vm"));
        }
    }

    @Test
    void reportsQemuExitingEarlyWithItsLog() {
        IOException e = assertThrows(IOException.class, () -> QemuVm.start(dir, 1, 1, "-no-such-option"));
        assertTrue(e.getMessage().contains("QEMU exited with status"), e::getMessage);
        assertTrue(e.getMessage().contains("-no-such-option"), "log tail in: " + e.getMessage());
    }

    @Test
    void rejectsBadArgumentsBeforeStartingAnything() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> QemuVm.start(dir, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> QemuVm.start(dir, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> QemuVm.start(dir.resolve("missing"), 1, 1));
        Path deep = Files.createDirectories(dir.resolve("d".repeat(120)));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> QemuVm.start(deep, 1, 1));
        assertTrue(tooLong.getMessage().contains("longer than 107 bytes"), tooLong::getMessage);
        Files.createFile(dir.resolve("qmp.sock"));
        assertThrows(IllegalArgumentException.class, () -> QemuVm.start(dir, 1, 1));
        assertFalse(Files.exists(dir.resolve("qemu.log")), "no QEMU was started");
    }

    @Test
    void missingQemuIsASkipLocallyAndAFailureUnderCi() {
        assertDoesNotThrow(() -> QemuVm.requireQemu(true, "true"));
        TestAbortedException skipped = assertThrows(TestAbortedException.class, () -> QemuVm.requireQemu(false, null));
        assertTrue(skipped.getMessage().contains("apt-get install -y qemu-system-x86"), skipped::getMessage);
        assertThrows(TestAbortedException.class, () -> QemuVm.requireQemu(false, "false"));
        AssertionFailedError failed = assertThrows(AssertionFailedError.class, () -> QemuVm.requireQemu(false, "true"));
        assertTrue(failed.getMessage().contains("apt-get install -y qemu-system-x86"), failed::getMessage);
    }

    @Test
    void findsQemuOnPath() {
        Optional<Path> qemu = QemuVm.findQemu();
        assertTrue(qemu.isPresent());
        assertTrue(Files.isExecutable(qemu.get()));
    }

    private static boolean kvmOpensReadWrite() {
        try (FileChannel ignored = FileChannel.open(Path.of("/dev/kvm"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> cmdline(long pid) throws IOException {
        String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
        return List.of(raw.split("\0"));
    }

    @Test
    void startsARunningVmWhoseSocketIsFreeAfterwards() throws IOException {
        try (QemuVm vm = QemuVm.startRunning(dir, 2, 2)) {
            assertTrue(vm.isAlive());
            assertTrue(cmdline(vm.pid()).contains("-S"), "resumed over QMP, not started without -S");
            String status = QmpExchange.execute(vm.qmpSocket(), "{\"execute\":\"query-status\"}");
            assertTrue(status.contains("\"running\": true") && status.contains("\"status\": \"running\""), status);
        }
    }
}
