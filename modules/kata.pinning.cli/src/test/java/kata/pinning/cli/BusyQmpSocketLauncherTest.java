package kata.pinning.cli;

import static kata.pinning.cli.Launcher.kataPinning;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import kata.pinning.qmp.QmpClient;
import kata.pinning.testing.QemuVm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real QEMU whose only QMP socket another client holds, as the Kata runtime does for the VM's life. */
class BusyQmpSocketLauncherTest {

    @TempDir
    Path dir;

    @Test
    void inspectSaysTheSocketIsHeldAndWhatToDoInstead() throws Exception {
        try (QemuVm vm = QemuVm.start(dir, 1, 1);
             QmpClient holder = QmpClient.connect(vm.qmpSocket(), Duration.ofSeconds(10))) {
            kataPinning("--version").assertSuccess(); // builds the jars if they are stale, so that only inspect is timed
            long start = System.nanoTime();

            Launcher.Result inspect = kataPinning("--qmp", vm.qmpSocket().toString(), "--pid", Long.toString(vm.pid()), "inspect")
                    .assertFailure(KataPinning.FAILED);

            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, () -> "took " + took + ": " + inspect);
            String message = inspect.stderr();
            assertTrue(message.contains("one client at a time on a QMP socket"), inspect::toString);
            assertTrue(message.contains("the Kata runtime"), inspect::toString);
            assertTrue(message.contains("extra_monitor_socket = \"qmp\""), inspect::toString);
            assertTrue(message.contains("--vmm qemu --pid P without --qmp") && message.contains("-name <name>,debug-threads=on"),
                    inspect::toString);
            assertTrue(holder.isOpen(), "the holder keeps its session");
        }
    }
}
