package kata.pinning.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import kata.pinning.launcher.QemuChoice;
import kata.pinning.launcher.QemuLauncher;
import kata.pinning.launcher.RunningQemu;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real QEMU x86_64 VM with a QMP socket, paused or {@linkplain #startRunning running}, started for
 * one test and stopped by its own pid.
 *
 * <p>{@link #start} runs {@link QemuLauncher}: KVM with {@code -cpu host}, else KVM with
 * {@code -cpu qemu64}, else TCG with {@code -cpu max} (KVM only when {@code /dev/kvm} opens for
 * reading and writing; {@code KATA_PINNING_QEMU_ACCEL=kvm|tcg} forces one), each as
 * <pre>{@code
 * qemu-system-x86_64 -machine q35,accel=A -cpu MODEL -smp V,maxcpus=M -m 128M -nodefaults
 *     -display none -S -qmp unix:<workDir>/qmp.sock,server=on,wait=off [extraArgs...]
 * }</pre>
 * and returns once QEMU has answered on its QMP socket, so a test's own QMP client finds a QEMU
 * that got past its vCPU setup. The guest never runs ({@code -S}), so no disk or kernel is needed;
 * QEMU still creates one thread per vCPU. Its output goes to {@code <workDir>/qemu.log}.
 *
 * <p>{@link #close()} stops QEMU with SIGTERM, then SIGKILL after a grace period, and waits for it
 * to exit. A JVM shutdown hook does the same for a VM that a test forgot to close, so QEMU is never
 * left running. Typical use, with one VM per test class:
 * <pre>{@code
 * @TempDir static Path dir;
 * static QemuVm vm;
 * @BeforeAll static void boot() throws IOException { vm = QemuVm.start(dir, 2, 4); }
 * @AfterAll static void stop() { if (vm != null) vm.close(); }
 * }</pre>
 *
 * <p>This class is test support for kata-pinning's own tests, not a published API.
 *
 * @since 0.1
 */
public final class QemuVm implements AutoCloseable {

    /** The QEMU binary looked up on {@code PATH}. */
    public static final String QEMU_BINARY = QemuLauncher.BINARY;

    /** How to install {@link #QEMU_BINARY} on Debian or Ubuntu, as root. */
    public static final String INSTALL_HINT = "apt-get install -y qemu-system-x86";

    /** The name of the QMP socket that {@link #start} creates in its work directory. */
    public static final String SOCKET_NAME = QemuLauncher.SOCKET_NAME;

    /** The name of the file in the work directory that receives QEMU's stdout and stderr. */
    public static final String LOG_NAME = QemuLauncher.LOG_NAME;

    /** How QEMU executes guest code. */
    public enum Accelerator {
        /** Hardware virtualization through {@code /dev/kvm}, with {@code -cpu host} or, where that fails, {@code -cpu qemu64}. */
        KVM,
        /** QEMU's software emulator, with {@code -cpu max}: slower, but still one host thread per vCPU. */
        TCG;

        /** {@return KVM when {@code /dev/kvm} can be opened for reading and writing, else TCG} */
        public static Accelerator preferred() {
            return QemuLauncher.kvmUsable() ? KVM : TCG;
        }
    }

    private final RunningQemu qemu;

    private QemuVm(RunningQemu qemu) {
        this.qemu = qemu;
    }

    /**
     * Skips the calling test when {@value #QEMU_BINARY} is not on {@code PATH}, with a message
     * that says how to install it; fails it instead when the environment variable {@code CI} is
     * {@code true}, because CI must run the real-QEMU tests.
     */
    public static void assumeQemu() {
        requireQemu(findQemu().isPresent(), System.getenv("CI"));
    }

    // The decision of assumeQemu(), apart from PATH and the environment so that it can be tested.
    static void requireQemu(boolean found, String ciVariable) {
        if (found) {
            return;
        }
        String missing = QEMU_BINARY + " is not on PATH; install QEMU with: " + INSTALL_HINT;
        if ("true".equalsIgnoreCase(ciVariable)) {
            Assertions.fail(missing + " (CI=true, so the real-QEMU tests must run)");
        }
        Assumptions.abort(missing);
    }

    /** {@return the {@value #QEMU_BINARY} executable found on {@code PATH}, if any} */
    public static Optional<Path> findQemu() {
        return QemuLauncher.findQemu();
    }

    /**
     * Starts a paused VM and returns once QEMU answers on its QMP socket. Calls
     * {@link #assumeQemu()} first, so a test without QEMU is skipped (or fails under CI) here.
     *
     * @param workDir   an existing directory for {@value #SOCKET_NAME} and {@value #LOG_NAME}; it
     *                  must not already contain {@value #SOCKET_NAME}, and the socket's absolute
     *                  path must fit in 107 bytes
     * @param vcpus     the vCPUs present at start, at least 1
     * @param maxVcpus  the vCPU slots, so {@code maxVcpus - vcpus} can be hot-plugged; at least {@code vcpus}
     * @param extraArgs more QEMU arguments, appended as they are; a {@code -m} among them replaces the 128M
     * @return the running VM; close it to stop QEMU
     * @throws IllegalArgumentException if an argument is out of range or the work directory is unusable
     * @throws IOException if no choice gives a running QEMU; the message quotes QEMU for each attempt
     */
    public static QemuVm start(Path workDir, int vcpus, int maxVcpus, String... extraArgs) throws IOException {
        Objects.requireNonNull(workDir, "workDir");
        return start(QemuLauncher.builder(workDir).vcpus(vcpus, maxVcpus).extraArgs(List.of(extraArgs)).build());
    }

    /**
     * Starts a VM that runs: as {@link #start(Path, int, int, String...)}, then QMP {@code cont}, in
     * a session of its own that hangs up before this returns, so the socket is free for the test.
     * With no disk, SeaBIOS finds nothing to boot and its vCPUs halt; under KVM a halted vCPU's
     * thread waits inside {@code ioctl(KVM_RUN)}. vCPU 0 first spins in guest code for a few seconds.
     *
     * @param workDir   an existing directory, as for {@link #start(Path, int, int, String...)}
     * @param vcpus     the vCPUs present at start, at least 1
     * @param maxVcpus  the vCPU slots, at least {@code vcpus}
     * @param extraArgs more QEMU arguments, such as a second {@code -qmp} socket
     * @return the running VM; close it to stop QEMU
     * @throws IOException if QEMU does not start or refuses {@code cont}; QEMU is stopped then
     * @since 0.2
     */
    public static QemuVm startRunning(Path workDir, int vcpus, int maxVcpus, String... extraArgs) throws IOException {
        QemuVm vm = start(workDir, vcpus, maxVcpus, extraArgs);
        try {
            String reply = QmpExchange.execute(vm.qmpSocket(), "{\"execute\":\"cont\"}");
            if (!reply.startsWith("{\"return\"")) {
                throw new IOException("QEMU refused cont: " + reply);
            }
            return vm;
        } catch (IOException | RuntimeException e) {
            vm.close();
            throw e;
        }
    }

    /**
     * Starts a paused VM as a launcher describes it, for a memory size, a search path or a KVM
     * device of the test's own. Calls {@link #assumeQemu()} first.
     *
     * @param launcher the VM to start
     * @return the running VM; close it to stop QEMU
     * @throws IOException if no choice gives a running QEMU; the message quotes QEMU for each attempt
     */
    public static QemuVm start(QemuLauncher launcher) throws IOException {
        assumeQemu();
        return new QemuVm(launcher.start());
    }

    /** {@return the pid of the QEMU process; its vCPU threads are tasks under {@code /proc/<pid>/task}} */
    public long pid() {
        return qemu.pid();
    }

    /** {@return the absolute path of the QMP socket, {@code <workDir>/qmp.sock}} */
    public Path qmpSocket() {
        return qemu.qmpSocket();
    }

    /** {@return the accelerator this VM was started with} */
    public Accelerator accelerator() {
        return Accelerator.valueOf(qemu.choice().accelerator().name());
    }

    /** {@return the accelerator and CPU model this VM was started with} */
    public QemuChoice choice() {
        return qemu.choice();
    }

    /** {@return one line per choice the launcher fell back from, quoting QEMU; empty when the first worked} */
    public List<String> fallbackLines() {
        return qemu.fallbackLines();
    }

    /** {@return the absolute work directory} */
    public Path workDir() {
        return qemu.workDir();
    }

    /** {@return the file that receives QEMU's stdout and stderr} */
    public Path logFile() {
        return qemu.logFile();
    }

    /** {@return whether the QEMU process is still running} */
    public boolean isAlive() {
        return qemu.isAlive();
    }

    /**
     * Waits for QEMU to exit by itself, for example after the QMP command {@code quit}.
     *
     * @param timeout how long to wait
     * @return QEMU's exit status, or empty if it is still running after {@code timeout}
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return qemu.awaitExit(timeout);
    }

    /**
     * Stops QEMU if it still runs: SIGTERM, then SIGKILL if it has not exited after 5 seconds, and
     * waits for it to exit. Calling it again does nothing.
     *
     * @throws IllegalStateException if QEMU is still running 10 seconds after SIGKILL
     */
    @Override
    public void close() {
        qemu.close();
    }

    @Override
    public String toString() {
        return "QemuVm[pid=" + pid() + ", " + choice() + ", qmpSocket=" + qmpSocket() + "]";
    }
}
