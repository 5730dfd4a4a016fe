package kata.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kata.pinning.launcher.QemuLauncher;
import kata.pinning.testing.QemuVm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code kvm} source on a real QEMU under TCG, forced even where KVM works: it has no
 * {@code kvm-vcpu} fd, and a caller without {@code CAP_SYS_PTRACE} may not look at its fds at all.
 */
class KvmSourceTcgQemuTest {

    private static final Path PROC = Path.of("/proc");
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final String TEST_CLASSES =
            Path.of(System.getProperty("basedir", "."), "target", "test-classes").toString();

    @TempDir
    static Path dir;
    static QemuVm tcg;

    @BeforeAll
    static void startTcgQemu() throws IOException {
        tcg = QemuVm.start(QemuLauncher.builder(dir).vcpus(2, 2).forcedAccelerator("tcg").build());
    }

    @AfterAll
    static void stop() {
        if (tcg != null) {
            tcg.close();
        }
    }

    @Test
    void aTcgQemuHasTheNoKvmError() {
        IOException e = assertThrows(IOException.class, Vmm.kvm(VmmKind.QEMU, (int) tcg.pid(), PROC)::vcpus);
        assertEquals("qemu pid " + tcg.pid() + " has no KVM vCPU (no anon_inode:kvm-vcpu fd): it runs without KVM, "
                + "under TCG perhaps; find its vCPUs over QMP or by thread names instead", e.getMessage());
    }

    @Test
    void aCallerWithoutCapSysPtraceGetsThePermissionError() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root, to drop CAP_SYS_PTRACE and keep the uid");
        assumeTrue(Files.isExecutable(SETPRIV), "needs setpriv (util-linux)");
        List<String> out = run(SETPRIV.toString(), "--inh-caps=-sys_ptrace", "--bounding-set=-sys_ptrace", "--",
                JAVA, "--module-path", System.getProperty("jdk.module.path"),
                "--patch-module", "kata.pinning=" + TEST_CLASSES,
                "--module", "kata.pinning/" + KvmSourceProbe.class.getName(), PROC.toString(), Long.toString(tcg.pid()));
        assertEquals(1, out.size(), out::toString);
        String line = out.getFirst();
        assertTrue(line.startsWith("error cannot read " + PROC.resolve(Long.toString(tcg.pid())).resolve("fd")), line);
        assertTrue(line.endsWith(": finding the vCPUs of qemu pid " + tcg.pid()
                + " from the kernel needs CAP_SYS_PTRACE; run as root with it"), line);
    }

    private static List<String> run(String... command) throws IOException, InterruptedException {
        Path stderr = dir.resolve("probe-stderr.txt");
        Process child = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        child.getOutputStream().close();
        List<String> stdout = child.inputReader().lines().toList();
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
        assertEquals(0, child.exitValue(), () -> "probe failed: " + stdout + "\n" + readQuietly(stderr));
        return stdout;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }
}
