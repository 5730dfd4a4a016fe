package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import kata.pinning.launcher.Accelerator;
import kata.pinning.launcher.QemuLauncher;
import kata.pinning.testing.QemuVm;
import kata.pinning.testing.QemuWrappers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/kata-pinning demo} with a {@code qemu-system-x86_64} wrapper first on {@code PATH} that
 * fails as some hosts make QEMU fail. The launcher's KVM probe opens a stand-in file, so the KVM
 * attempts are made on hosts without {@code /dev/kvm} too (the real QEMU then fails them as well).
 */
class DemoQemuFallbackLauncherTest {

    private static final String VCPUS_LINE = " vCPUs (one more slot for hot-plug), containers get CPUs ";
    private static final String DONE = "Done: the VMM is stopped and its files are removed.\n";
    private static final String MESSAGE = "this host has no VMs today";

    @TempDir
    Path bin;

    @BeforeAll
    static void requireQemuAndFreshJars() throws IOException, InterruptedException {
        QemuVm.assumeQemu();
        Launcher.kataPinning("--version").assertSuccess(); // builds stale jars now, not inside a timed run
    }

    @Test
    void aRefusedMsrFallsBackToTheBaselineModelAndSaysSo() throws Exception {
        List<String> lines = demo(QemuWrappers.refusingHostCpuModels(bin), "demo").assertSuccess().stdout().lines().toList();
        String msr = "KVM with -cpu host failed: failed to set MSR 0x10a to 0x69; using KVM with -cpu qemu64";
        if (QemuLauncher.kvmUsable()) {
            assertTrue(lines.get(0).startsWith("kata-pinning demo on QEMU (KVM with -cpu qemu64, pid "), lines::toString);
            assertEquals(msr, lines.get(1));
            assertTrue(lines.get(2).contains(VCPUS_LINE), lines::toString);
        } else {
            assertTrue(lines.get(0).startsWith("kata-pinning demo on QEMU (TCG with -cpu max, pid "), lines::toString);
            assertEquals(msr, lines.get(1));
            assertTrue(lines.get(2).matches("KVM with -cpu qemu64 failed: .+; using TCG with -cpu max"), lines::toString);
            assertTrue(lines.get(3).contains(VCPUS_LINE), lines::toString);
        }
    }

    @Test
    void everyKvmStartFailingEndsOnTcg() throws Exception {
        Launcher.Result run = demo(QemuWrappers.failingKvm(bin), "demo").assertSuccess();
        List<String> lines = run.stdout().lines().toList();
        assertTrue(lines.get(0).startsWith("kata-pinning demo on QEMU (TCG with -cpu max, pid "), run::toString);
        assertEquals(List.of(
                "KVM with -cpu host failed: failed to initialize kvm: Permission denied; using KVM with -cpu qemu64",
                "KVM with -cpu qemu64 failed: failed to initialize kvm: Permission denied; using TCG with -cpu max"),
                lines.subList(1, 3));
        assertTrue(lines.get(3).contains(VCPUS_LINE), run::toString);
        assertTrue(run.stdout().endsWith(DONE), run::toString);

        // With --json the document keeps its shape, and the fallback lines go to stderr.
        Launcher.Result json = demo(QemuWrappers.failingKvm(bin), "--json", "demo");
        assertTrue(json.json().path("description").stringValue().startsWith("QEMU (TCG with -cpu max, pid "), json::toString);
        assertEquals(lines.subList(1, 3).stream().map(line -> "kata-pinning: " + line).toList(), json.stderr().lines().toList());
    }

    @Test
    void aQemuThatNeverStartsIsOneErrorQuotingEachAttemptWithQemuRequired() throws Exception {
        long started = System.nanoTime();
        Launcher.Result run = demo(QemuWrappers.alwaysFailing(bin, MESSAGE), "demo", "--qemu");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        run.assertFailure(KataPinning.FAILED);
        assertTrue(run.stderr().startsWith("kata-pinning: QEMU did not start: KVM with -cpu host failed: "), run::toString);
        for (String choice : List.of("KVM with -cpu host", "KVM with -cpu qemu64", "TCG with -cpu max")) {
            assertTrue(run.stderr().contains(choice + " failed: QEMU exited with status 1: " + MESSAGE), run::toString);
        }
        // The JVM's start included: still far from the 30 s that a wait for a QMP socket took.
        assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "took " + took);
    }

    @Test
    void aQemuThatNeverStartsMakesTheDemoUseTheEmbeddedVmmSayingWhy() throws Exception {
        Launcher.Result run = demo(QemuWrappers.alwaysFailing(bin, MESSAGE), "demo").assertSuccess();
        List<String> lines = run.stdout().lines().toList();
        assertTrue(lines.get(0).startsWith("kata-pinning demo on the embedded VMM ("), run::toString);
        assertTrue(lines.get(1).startsWith("QEMU did not start: KVM with -cpu host failed: QEMU exited with status 1: " + MESSAGE),
                run::toString);
        assertTrue(lines.get(1).endsWith("; the demo runs on the embedded VMM instead"), run::toString);
        assertTrue(run.stdout().endsWith(DONE), run::toString);
    }

    /** Runs the launcher with the wrapper's search path and the KVM stand-in; drops the JVM's note about the latter. */
    private Launcher.Result demo(String searchPath, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Launcher.KATA_PINNING.toString()));
        command.addAll(List.of(args));
        Launcher.Result run = Launcher.run(command, Map.of(
                "PATH", searchPath,
                Accelerator.ENVIRONMENT_VARIABLE, "",
                "JAVA_TOOL_OPTIONS", "-D" + QemuLauncher.KVM_DEVICE_PROPERTY + "=" + QemuWrappers.kvmStandIn(bin)));
        String stderr = run.stderr().lines().filter(line -> !line.startsWith("Picked up JAVA_TOOL_OPTIONS"))
                .map(line -> line + "\n").collect(Collectors.joining());
        return new Launcher.Result(run.exitCode(), run.stdout(), stderr);
    }
}
