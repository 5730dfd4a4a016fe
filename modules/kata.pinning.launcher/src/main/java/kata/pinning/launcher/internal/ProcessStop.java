package kata.pinning.launcher.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Stops a process by its own pid: SIGTERM, then SIGKILL after a grace period, and waits for it. */
public final class ProcessStop {

    private static final Duration TERM_GRACE = Duration.ofSeconds(5);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private ProcessStop() {
    }

    /**
     * Stops the process if it still runs and returns once it has exited, even when interrupted (the
     * interrupt is kept).
     *
     * @param process the process to stop
     * @throws IllegalStateException if it is still running 10 seconds after SIGKILL
     */
    public static void stop(Process process) {
        boolean interrupted = false;
        try {
            if (!process.isAlive()) {
                return;
            }
            process.destroy();
            try {
                if (!process.waitFor(TERM_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                interrupted = true;
                process.destroyForcibly();
            }
            // Wait even when interrupted: returning while the process runs is what this must not do.
            long deadline = System.nanoTime() + KILL_WAIT.toNanos();
            while (process.isAlive() && System.nanoTime() - deadline < 0) {
                try {
                    process.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (process.isAlive()) {
                throw new IllegalStateException("pid " + process.pid() + " is still running " + KILL_WAIT + " after SIGKILL");
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
