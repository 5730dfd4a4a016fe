package kata.pinning.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * The exclusive lock that serializes the lifecycle commands of one state file: a POSIX record lock
 * ({@link FileChannel#tryLock()}) on the sidecar {@code <state>.lock}.
 *
 * <p>A command holds it from before it reads the state file until after it wrote it and let go of
 * the VMM's QMP socket. The kernel releases it when the process ends, however it ends, so a crashed
 * command never leaves a stale lock; the lock file itself stays, empty, as removing it would let two
 * commands lock two different files.
 */
final class StateLock implements AutoCloseable {

    /** How often a waiting command tries again. */
    private static final Duration POLL = Duration.ofMillis(10);

    private final FileChannel channel;
    private final FileLock lock;

    private StateLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** {@return the lock file of a state file: {@code <state>.lock}, beside it} */
    static Path lockFileOf(Path state) {
        return state.resolveSibling(state.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code state}, waiting at most {@code timeout} for the command that holds it.
     *
     * @param state the state file
     * @param timeout how long to wait; zero tries once
     * @return the lock; close it to release it
     * @throws LockTimeoutException if another process still holds it after {@code timeout}
     * @throws IOException if the lock file cannot be created or locked
     */
    static StateLock acquire(Path state, Duration timeout) throws IOException {
        Path file = lockFileOf(state);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException("cannot open " + file + " to lock the state file " + state + ": "
                    + Failures.describe(e), e);
        }
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                FileLock lock = tryLock(channel);
                if (lock != null) {
                    return new StateLock(channel, lock);
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new LockTimeoutException(state, timeout, ProcLocks.holderOf(file));
                }
                Thread.sleep(POLL);
            }
        } catch (InterruptedException e) {
            channel.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the lock on the state file " + state, e);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** {@return the lock, or null while another process, or another command of this JVM, holds it} */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // a command run in-process by this JVM holds it: wait as for another process
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    /** The lock was still held by another command when the wait ran out. */
    static final class LockTimeoutException extends IOException {

        private static final long serialVersionUID = 1L;

        LockTimeoutException(Path state, Duration timeout, OptionalLong holder) {
            super("the state file " + state + " is locked by another process"
                    + (holder.isPresent() ? " (pid " + holder.getAsLong() + ")" : "")
                    + ", still after " + timeout.toSeconds() + " s (--lock-timeout); nothing was changed");
        }
    }
}
