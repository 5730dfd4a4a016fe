package kata.pinning.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import kata.pinning.launcher.internal.ProcessStop;

/**
 * A paused QEMU that {@link QemuLauncher#start()} started and saw answer on its QMP socket, with
 * the choice it runs with and the attempts it fell back from. {@link #close()} stops it by its own
 * pid; a JVM shutdown hook does the same if the caller never closes it, so QEMU is never left running.
 *
 * @since 0.1
 */
public final class RunningQemu implements AutoCloseable {

    private final Process process;
    private final Path workDir;
    private final Path qmpSocket;
    private final QemuChoice choice;
    private final List<QemuAttemptFailure> fallbacks;
    private final Thread shutdownHook;

    RunningQemu(Process process, Path workDir, Path qmpSocket, QemuChoice choice, List<QemuAttemptFailure> fallbacks) {
        this.process = process;
        this.workDir = workDir;
        this.qmpSocket = qmpSocket;
        this.choice = choice;
        this.fallbacks = List.copyOf(fallbacks);
        this.shutdownHook = new Thread(process::destroyForcibly, "qemu-reaper-" + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** {@return the pid of the QEMU process; its vCPU threads are tasks under {@code /proc/<pid>/task}} */
    public long pid() {
        return process.pid();
    }

    /** {@return the absolute path of the QMP socket, {@code <workDir>/qmp.sock}; free for one client} */
    public Path qmpSocket() {
        return qmpSocket;
    }

    /** {@return the absolute work directory} */
    public Path workDir() {
        return workDir;
    }

    /** {@return the file that receives this QEMU's stdout and stderr, {@code <workDir>/qemu.log}} */
    public Path logFile() {
        return workDir.resolve(QemuLauncher.LOG_NAME);
    }

    /** {@return the accelerator and CPU model QEMU runs with} */
    public QemuChoice choice() {
        return choice;
    }

    /** {@return the attempts made before this one, in order; empty when the first choice worked} */
    public List<QemuAttemptFailure> fallbacks() {
        return fallbacks;
    }

    /**
     * {@return one line per attempt this QEMU fell back from, each quoting QEMU and naming the choice
     * tried next, such as {@code KVM with -cpu host failed: failed to set MSR 0x10a to 0x69; using
     * KVM with -cpu qemu64}}
     */
    public List<String> fallbackLines() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < fallbacks.size(); i++) {
            QemuChoice next = i + 1 < fallbacks.size() ? fallbacks.get(i + 1).choice() : choice;
            lines.add(fallbacks.get(i).fallbackLine(next));
        }
        return List.copyOf(lines);
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
        ProcessStop.stop(process);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is exiting and runs the hook anyway; QEMU is already gone.
        }
    }

    @Override
    public String toString() {
        return "RunningQemu[pid=" + pid() + ", " + choice + ", qmpSocket=" + qmpSocket + "]";
    }
}
