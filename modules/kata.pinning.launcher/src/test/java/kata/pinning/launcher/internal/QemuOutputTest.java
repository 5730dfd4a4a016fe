package kata.pinning.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Picking QEMU's reason out of what it printed, as QEMU 7.2 prints it. */
class QemuOutputTest {

    @Test
    void theErrorLineWinsOverTheAssertionThatFollowsIt() {
        List<String> abort = List.of(
                "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69",
                "qemu-system-x86_64: ../target/i386/kvm/kvm.c:3081: kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf->nmsrs' failed.");
        assertEquals("failed to set MSR 0x10a to 0x69", QemuOutput.message(abort, "none"));
    }

    @Test
    void otherwiseTheLastLineThatIsNoWarning() {
        List<String> noKvm = List.of(
                "Could not access KVM kernel module: No such file or directory",
                "qemu-system-x86_64: failed to initialize kvm: No such file or directory",
                "qemu-system-x86_64: warning: something unrelated");
        assertEquals("failed to initialize kvm: No such file or directory", QemuOutput.message(noKvm, "none"));
        assertEquals("-no-such-option: invalid option",
                QemuOutput.message(List.of("/usr/bin/qemu-system-x86_64: -no-such-option: invalid option"), "none"));
    }

    @Test
    void nothingUsefulGivesTheFallbackText() {
        assertEquals("none", QemuOutput.message(List.of(), "none"));
        assertEquals("none", QemuOutput.message(List.of("qemu-system-x86_64: terminating on signal 15 from pid 1"), "none"));
    }

    @Test
    void theTailIsTheLastTenNonBlankLines(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("qemu.log");
        Files.writeString(log, IntStream.range(0, 15).mapToObj(i -> "line " + i + "\n\n").collect(Collectors.joining()));
        assertEquals(IntStream.range(5, 15).mapToObj(i -> "line " + i).toList(), QemuOutput.tail(log));
        assertEquals(1, QemuOutput.tail(dir.resolve("missing")).size());
    }
}
