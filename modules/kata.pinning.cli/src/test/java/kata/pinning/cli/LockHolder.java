package kata.pinning.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Run as a separate JVM by the lock tests: takes the same kind of lock a command takes on a state
 * file's {@code .lock} file, prints {@code locked}, and holds it until its stdin closes or it is killed.
 */
public final class LockHolder {

    private LockHolder() {
    }

    /**
     * Locks {@code args[0]}.
     *
     * @param args the lock file
     * @throws IOException if it cannot be locked
     */
    public static void main(String[] args) throws IOException {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the test closes our stdin
            }
        }
    }

    /**
     * Starts a holder of {@code lockFile} and waits until it holds the lock.
     *
     * @param lockFile the file to lock
     * @return the holder; close its stdin, or destroy it, to release the lock
     */
    static Process start(Path lockFile) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Path.of("target", "test-classes").toAbsolutePath().toString();
        Process holder = new ProcessBuilder(java, "-cp", classes, LockHolder.class.getName(), lockFile.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = holder.inputReader().readLine();
        if (!"locked".equals(line)) {
            holder.destroyForcibly();
            throw new IOException("the lock holder did not lock " + lockFile + ": " + line);
        }
        return holder;
    }
}
