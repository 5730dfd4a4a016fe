package kata.pinning.cli.demo;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real QEMU started for the demo: paused ({@code -S}) with no guest, so it needs no disk image,
 * but with one host thread per vCPU and vCPU hot-plug. KVM when {@code /dev/kvm} can be opened,
 * else TCG. Stopped by its own pid with SIGTERM, then SIGKILL; a shutdown hook does the same if the
 * demo is interrupted.
 */
public final class QemuProcess implements DemoVmm {

    /** The QEMU binary, looked up on {@code PATH}. */
    public static final String BINARY = "qemu-system-x86_64";

    private static final Path KVM = Path.of("/dev/kvm");
    private static final long SOCKET_WAIT_MILLIS = 30_000;
    private static final long SOCKET_POLL_MILLIS = 20;
    private static final long STOP_WAIT_SECONDS = 5;

    private final Process process;
    private final Path socket;
    private final String accelerator;
    private final Thread reaper;

    private QemuProcess(Process process, Path socket, String accelerator) {
        this.process = process;
        this.socket = socket;
        this.accelerator = accelerator;
        this.reaper = new Thread(process::destroyForcibly, "qemu-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** {@return the QEMU binary on {@code PATH}, if there is one} */
    public static Optional<Path> find() {
        return Arrays.stream(Objects.requireNonNullElse(System.getenv("PATH"), "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, BINARY))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Starts QEMU and waits for its QMP socket.
     *
     * @param binary the QEMU binary
     * @param workDir a directory for {@code qmp.sock} and {@code qemu.log}
     * @param vcpus the vCPUs at start
     * @param maxVcpus the vCPU slots, for hot-plug
     * @return the running QEMU
     * @throws IOException if it cannot be started, or exits or has no socket within 30 seconds; the
     *     message ends with QEMU's output
     */
    public static QemuProcess start(Path binary, Path workDir, int vcpus, int maxVcpus) throws IOException {
        boolean kvm = kvmUsable();
        Path socket = workDir.resolve("qmp.sock");
        Path log = workDir.resolve("qemu.log");
        List<String> command = List.of(binary.toString(),
                "-machine", "q35,accel=" + (kvm ? "kvm" : "tcg"), "-cpu", kvm ? "host" : "max",
                "-smp", vcpus + ",maxcpus=" + maxVcpus, "-m", "128M",
                "-nodefaults", "-display", "none", "-S",
                "-qmp", "unix:" + socket + ",server=on,wait=off");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        QemuProcess qemu = new QemuProcess(process, socket, kvm ? "KVM" : "TCG");
        try {
            awaitSocket(process, socket, log);
        } catch (IOException | RuntimeException e) {
            qemu.close();
            throw e;
        }
        return qemu;
    }

    private static void awaitSocket(Process process, Path socket, Path log) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SOCKET_WAIT_MILLIS);
        while (!Files.exists(socket)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException(BINARY + (process.isAlive() ? " created no QMP socket in time" : " exited")
                        + ": " + Files.readString(log).strip());
            }
            try {
                Thread.sleep(SOCKET_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting " + BINARY, e);
            }
        }
    }

    /** KVM needs {@code /dev/kvm} open for reading and writing, as QEMU opens it. */
    private static boolean kvmUsable() {
        try (FileChannel ignored = FileChannel.open(KVM, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public Path qmpSocket() {
        return socket;
    }

    @Override
    public int pid() {
        return Math.toIntExact(process.pid());
    }

    @Override
    public String kind() {
        return "qemu";
    }

    @Override
    public String description() {
        return "QEMU (" + accelerator + ", pid " + pid() + ", paused with no guest)";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway and finds QEMU gone
        }
    }
}
