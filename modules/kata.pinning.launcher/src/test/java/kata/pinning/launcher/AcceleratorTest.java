package kata.pinning.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AcceleratorTest {

    @Test
    void kvmAndTcgForceThatAccelerator() {
        assertEquals(Optional.of(Accelerator.KVM), Accelerator.forcedBy("kvm"));
        assertEquals(Optional.of(Accelerator.TCG), Accelerator.forcedBy("tcg"));
        assertEquals(Optional.of(Accelerator.TCG), Accelerator.forcedBy(" TCG\n"));
    }

    @Test
    void unsetOrBlankLetsTheLauncherChoose() {
        assertEquals(Optional.empty(), Accelerator.forcedBy(null));
        assertEquals(Optional.empty(), Accelerator.forcedBy(""));
        assertEquals(Optional.empty(), Accelerator.forcedBy("  "));
    }

    @Test
    void anyOtherValueIsOneClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Accelerator.forcedBy("hvf"));
        assertEquals("KATA_PINNING_QEMU_ACCEL must be kvm or tcg, not 'hvf'", e.getMessage());
    }

    @Test
    void choicesReadAsTheFallbackLinesSayThem() {
        assertEquals("KVM with -cpu host", QemuChoice.KVM_HOST.toString());
        assertEquals("KVM with -cpu qemu64", QemuChoice.KVM_BASELINE.toString());
        assertEquals("TCG with -cpu max", QemuChoice.TCG_MAX.toString());
        assertEquals("kvm", Accelerator.KVM.option());
    }
}
