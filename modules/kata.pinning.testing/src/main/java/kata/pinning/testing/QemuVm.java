package kata.pinning.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real, paused QEMU x86_64 VM with a QMP socket, started for one test and stopped by its own pid.
 *
 * <p>{@link #start} runs
 * <pre>{@code
 * qemu-system-x86_64 -machine q35,accel=kvm -cpu host -smp V,maxcpus=M -m 128M -nodefaults
 *     -display none -S -qmp unix:<workDir>/qmp.sock,server=on,wait=off [extraArgs...]
 * }</pre>
 * when {@code /dev/kvm} can be opened for reading and writing, else the same with
 * {@code accel=tcg} and {@code -cpu max}. The guest never runs ({@code -S}), so no disk or kernel
 * is needed; QEMU still creates one thread per vCPU. Its output goes to {@code <workDir>/qemu.log}.
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
    public static final String QEMU_BINARY = "qemu-system-x86_64";

    /** How to install {@link #QEMU_BINARY} on Debian or Ubuntu, as root. */
    public static final String INSTALL_HINT = "apt-get install -y qemu-system-x86";

    /** The name of the QMP socket that {@link #start} creates in its work directory. */
    public static final String SOCKET_NAME = "qmp.sock";

    /** The name of the file in the work directory that receives QEMU's stdout and stderr. */
    public static final String LOG_NAME = "qemu.log";

    private static final Path KVM_DEVICE = Path.of("/dev/kvm");
    private static final int MAX_SOCKET_PATH_BYTES = 107; // sockaddr_un.sun_path is 108 bytes with the NUL
    private static final Duration SOCKET_WAIT = Duration.ofSeconds(30);
    private static final Duration TERM_GRACE = Duration.ofSeconds(5);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final int LOG_TAIL_CHARS = 2000;

    /** How QEMU executes guest code. */
    public enum Accelerator {
        /** Hardware virtualization through {@code /dev/kvm}, with {@code -cpu host}. */
        KVM("kvm", "host"),
        /** QEMU's software emulator, with {@code -cpu max}: slower, but still one host thread per vCPU. */
        TCG("tcg", "max");

        private final String option;
        private final String cpuModel;

        Accelerator(String option, String cpuModel) {
            this.option = option;
            this.cpuModel = cpuModel;
        }

        /** {@return KVM when {@code /dev/kvm} can be opened for reading and writing, else TCG} */
        public static Accelerator preferred() {
            try (FileChannel ignored = FileChannel.open(KVM_DEVICE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                return KVM;
            } catch (IOException | UnsupportedOperationException e) {
                return TCG;
            }
        }
    }

    private final Process process;
    private final Path workDir;
    private final Path qmpSocket;
    private final Accelerator accelerator;
    private final Thread shutdownHook;

    private QemuVm(Process process, Path workDir, Path qmpSocket, Accelerator accelerator) {
        this.process = process;
        this.workDir = workDir;
        this.qmpSocket = qmpSocket;
        this.accelerator = accelerator;
        this.shutdownHook = new Thread(process::destroyForcibly, "qemu-vm-reaper-" + process.pid());
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
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
        return Arrays.stream(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, QEMU_BINARY))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Starts a paused VM and returns once its QMP socket exists. Calls {@link #assumeQemu()} first,
     * so a test without QEMU is skipped (or fails under CI) here.
     *
     * @param workDir   an existing directory for {@value #SOCKET_NAME} and {@value #LOG_NAME}; it
     *                  must not already contain {@value #SOCKET_NAME}, and the socket's absolute
     *                  path must fit in 107 bytes
     * @param vcpus     the vCPUs present at start, at least 1
     * @param maxVcpus  the vCPU slots, so {@code maxVcpus - vcpus} can be hot-plugged; at least {@code vcpus}
     * @param extraArgs more QEMU arguments, appended as they are
     * @return the running VM; close it to stop QEMU
     * @throws IllegalArgumentException if an argument is out of range or the work directory is unusable
     * @throws IOException if QEMU cannot be started, exits early, or creates no socket within 30 seconds;
     *                     the message ends with the tail of QEMU's log
     */
    public static QemuVm start(Path workDir, int vcpus, int maxVcpus, String... extraArgs) throws IOException {
        Objects.requireNonNull(workDir, "workDir");
        List<String> extra = List.of(extraArgs); // also rejects null elements
        if (vcpus < 1 || maxVcpus < vcpus) {
            throw new IllegalArgumentException("need 1 <= vcpus <= maxVcpus, got vcpus=" + vcpus + ", maxVcpus=" + maxVcpus);
        }
        Path dir = workDir.toAbsolutePath();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("work directory does not exist: " + dir);
        }
        Path socket = dir.resolve(SOCKET_NAME);
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new IllegalArgumentException("QMP socket path is longer than " + MAX_SOCKET_PATH_BYTES + " bytes: " + socket);
        }
        if (Files.exists(socket)) {
            throw new IllegalArgumentException("work directory already has a QMP socket, use a fresh one: " + socket);
        }
        assumeQemu();
        Path qemu = findQemu().orElseThrow();

        Accelerator accel = Accelerator.preferred();
        List<String> command = new ArrayList<>(List.of(
                qemu.toString(),
                "-machine", "q35,accel=" + accel.option,
                "-cpu", accel.cpuModel,
                "-smp", vcpus + ",maxcpus=" + maxVcpus,
                "-m", "128M",
                "-nodefaults",
                "-display", "none",
                "-S",
                // QEMU's option syntax escapes a comma by doubling it.
                "-qmp", "unix:" + socket.toString().replace(",", ",,") + ",server=on,wait=off"));
        command.addAll(extra);

        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(LOG_NAME).toFile())
                .start();
        QemuVm vm = new QemuVm(process, dir, socket, accel);
        Runtime.getRuntime().addShutdownHook(vm.shutdownHook);
        try {
            process.getOutputStream().close(); // QEMU gets no stdin
            vm.awaitSocket();
            return vm;
        } catch (IOException | RuntimeException e) {
            try {
                vm.close();
            } catch (RuntimeException stopFailure) {
                e.addSuppressed(stopFailure);
            }
            throw e;
        }
    }

    private void awaitSocket() throws IOException {
        long deadline = System.nanoTime() + SOCKET_WAIT.toNanos();
        while (!Files.exists(qmpSocket)) {
            if (!process.isAlive()) {
                throw new IOException("QEMU exited with status " + process.exitValue()
                        + " before creating " + qmpSocket + logTail());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("QEMU pid " + pid() + " created no QMP socket within " + SOCKET_WAIT + logTail());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + qmpSocket, e);
            }
        }
    }

    private String logTail() {
        try {
            String log = Files.readString(logFile(), StandardCharsets.UTF_8).strip();
            return log.isEmpty() ? "" : "; QEMU log: " + log.substring(Math.max(0, log.length() - LOG_TAIL_CHARS));
        } catch (IOException | UncheckedIOException e) {
            return "; QEMU log unreadable: " + e;
        }
    }

    /** {@return the pid of the QEMU process; its vCPU threads are tasks under {@code /proc/<pid>/task}} */
    public long pid() {
        return process.pid();
    }

    /** {@return the absolute path of the QMP socket, {@code <workDir>/qmp.sock}} */
    public Path qmpSocket() {
        return qmpSocket;
    }

    /** {@return the accelerator this VM was started with} */
    public Accelerator accelerator() {
        return accelerator;
    }

    /** {@return the absolute work directory} */
    public Path workDir() {
        return workDir;
    }

    /** {@return the file that receives QEMU's stdout and stderr} */
    public Path logFile() {
        return workDir.resolve(LOG_NAME);
    }

    /** {@return whether the QEMU process is still running} */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for QEMU to exit by itself, for example after the QMP command {@code quit}.
     *
     * @param timeout how long to wait
     * @return QEMU's exit status, or empty if it is still running after {@code timeout}
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)
                ? OptionalInt.of(process.exitValue())
                : OptionalInt.empty();
    }

    /**
     * Stops QEMU if it still runs: SIGTERM, then SIGKILL if it has not exited after 5 seconds, and
     * waits for it to exit. Calling it again does nothing.
     *
     * @throws IllegalStateException if QEMU is still running 10 seconds after SIGKILL
     */
    @Override
    public void close() {
        boolean interrupted = false;
        try {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(TERM_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                    process.destroyForcibly();
                }
                // Wait even when interrupted: returning while QEMU runs is what this method must not do.
                long deadline = System.nanoTime() + KILL_WAIT.toNanos();
                while (process.isAlive() && System.nanoTime() - deadline < 0) {
                    try {
                        process.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (process.isAlive()) {
                    throw new IllegalStateException("QEMU pid " + pid() + " is still running " + KILL_WAIT + " after SIGKILL");
                }
            }
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is exiting and runs the hook anyway; QEMU is already gone.
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "QemuVm[pid=" + pid() + ", accelerator=" + accelerator + ", qmpSocket=" + qmpSocket + "]";
    }
}
