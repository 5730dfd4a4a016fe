package kata.pinning.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The words of a fallback and of a start that failed on every choice. */
class RunningQemuFallbackLinesTest {

    private static final QemuAttemptFailure MSR = new QemuAttemptFailure(QemuChoice.KVM_HOST,
            "failed to set MSR 0x10a to 0x69", List.of("qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69"),
            OptionalInt.of(134));
    private static final QemuAttemptFailure NO_KVM = new QemuAttemptFailure(QemuChoice.KVM_BASELINE,
            "failed to initialize kvm: No such file or directory", List.of(), OptionalInt.of(1));

    @Test
    void eachFallbackNamesTheChoiceTriedNext() throws IOException, InterruptedException {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try (RunningQemu qemu = new RunningQemu(sleeper, Path.of("/"), Path.of("/qmp.sock"), QemuChoice.TCG_MAX, List.of(MSR, NO_KVM))) {
            assertEquals(List.of(
                    "KVM with -cpu host failed: failed to set MSR 0x10a to 0x69; using KVM with -cpu qemu64",
                    "KVM with -cpu qemu64 failed: failed to initialize kvm: No such file or directory; using TCG with -cpu max"),
                    qemu.fallbackLines());
        }
        assertEquals(false, sleeper.isAlive());
    }

    @Test
    void aStartThatFailedEverywhereQuotesEveryAttempt() {
        QemuStartException e = new QemuStartException(List.of(MSR, NO_KVM));
        assertEquals("QEMU did not start: KVM with -cpu host failed: QEMU exited with status 134: failed to set MSR 0x10a to 0x69; "
                + "KVM with -cpu qemu64 failed: QEMU exited with status 1: failed to initialize kvm: No such file or directory",
                e.getMessage());
        assertEquals(List.of(MSR, NO_KVM), e.failures());
        assertThrows(IllegalArgumentException.class, () -> new QemuStartException(List.of()));
    }
}
