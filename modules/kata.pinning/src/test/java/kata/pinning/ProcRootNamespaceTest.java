package kata.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kata.pinning.testing.QemuVm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proc root other than {@code /proc}, in a private pid namespace, as a node agent's container
 * sees the host: the namespace's own {@code /proc} has a decoy process at QEMU's pid number (the
 * kernel's {@code ns_last_pid} makes the collision), and the host's procfs is mounted elsewhere
 * and given as the proc root. QEMU's re-check cache and the foreign-thread guard must both read
 * that proc root: a vCPU hot-plugged between two status queries must show in the second.
 */
class ProcRootNamespaceTest {

    private static final Path UNSHARE = Path.of("/usr/bin/unshare");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final String TEST_CLASSES =
            Path.of(System.getProperty("basedir", "."), "target", "test-classes").toString();

    @TempDir
    Path dir;

    @Test
    void theCacheAndTheGuardReadTheGivenProcRootInAPrivatePidNamespace() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root, to make pid and mount namespaces");
        assumeTrue(Files.isExecutable(UNSHARE), "needs unshare (util-linux)");
        try (QemuVm vm = QemuVm.start(Files.createDirectories(dir.resolve("vm")), 2, 3)) {
            List<String> out = runInPrivatePidNamespace((int) vm.pid(), vm.qmpSocket());
            assertEquals(List.of("decoy at " + vm.pid(), "before 2", "after 3"), out);
        }
    }

    /**
     * Runs {@link ProcRootProbe} as pid 1 of a new pid namespace with a private mount namespace:
     * the host's procfs is bound at {@code <dir>/host-proc} before the namespace's own procfs is
     * mounted on {@code /proc}; then a decoy {@code sleep} gets QEMU's pid number there. Everything
     * in the namespace, the decoy included, ends when the probe (its init) exits.
     */
    private List<String> runInPrivatePidNamespace(int qemuPid, Path qmpSocket) throws IOException, InterruptedException {
        Path hostProc = Files.createDirectories(dir.resolve("host-proc"));
        String probe = String.join(" ", List.of(JAVA, "--enable-native-access=kata.pinning.affinity",
                "--module-path", System.getProperty("jdk.module.path"),
                "--patch-module", "kata.pinning=" + TEST_CLASSES,
                "--module", "kata.pinning/" + ProcRootProbe.class.getName(),
                hostProc.toString(), Integer.toString(qemuPid), qmpSocket.toString()));
        String script = String.join("\n",
                "set -e",
                "mount --bind /proc " + hostProc,
                "mount -t proc proc /proc",
                "echo " + (qemuPid - 1) + " > /proc/sys/kernel/ns_last_pid",
                "sleep 600 &",
                "echo \"decoy at $!\"",
                "exec " + probe);
        List<String> command = new ArrayList<>(List.of(UNSHARE.toString(), "--mount", "--pid", "--fork",
                "--propagation", "private", "sh", "-c", script));
        Path stderr = dir.resolve("stderr.txt");
        Process child = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        child.getOutputStream().close();
        List<String> stdout = child.inputReader().lines().toList();
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
        assertEquals(0, child.exitValue(), () -> "probe failed: " + stdout + "\n" + read(stderr));
        return stdout;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
