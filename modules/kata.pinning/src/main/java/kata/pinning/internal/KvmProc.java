package kata.pinning.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The reads behind the {@code kvm} source: a process's vCPU fds, and each task's flags and
 * {@code syscall} line, under a proc root. One instance per scan: it reuses one buffer.
 */
final class KvmProc {

    /** Room for a {@code stat} line (a few hundred bytes, the command name at most 15) or a {@code syscall} line. */
    private static final int BUFFER = 1024;

    private final Path root;
    private final int pid;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);

    /** Thrown when procfs refuses a read of a task that still exists: the caller lacks {@code CAP_SYS_PTRACE}. */
    static final class NotPermitted extends IOException {
        NotPermitted(Path file, IOException cause) {
            super(file + ": " + reason(cause), cause);
        }

        private static String reason(IOException e) {
            return e instanceof AccessDeniedException ? "permission denied" : Objects.requireNonNullElse(e.getMessage(), e.toString());
        }
    }

    KvmProc(Path root, int pid) {
        this.root = Objects.requireNonNull(root, "root");
        this.pid = pid;
    }

    private Path process() {
        return root.resolve(Integer.toString(pid));
    }

    /**
     * {@return each vCPU's index, by fd: the fds whose link is {@code anon_inode:kvm-vcpu:<N>}} An fd
     * closed during the listing is left out.
     *
     * @throws NoSuchFileException if there is no such process under the root
     * @throws NotPermitted if the fds cannot be listed or read
     */
    Map<Integer, Integer> vcpuFds() throws IOException {
        Path fdDir = process().resolve("fd");
        Map<Integer, Integer> indexByFd = new HashMap<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                OptionalInt index = link(fd).map(KvmTrace::vcpuIndexOf).orElse(OptionalInt.empty());
                if (index.isPresent()) {
                    indexByFd.put(Integer.parseInt(fd.getFileName().toString()), index.getAsInt());
                }
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(fdDir.toString(), null, "no process " + pid + " under " + root);
        } catch (DirectoryIteratorException e) {
            throw notPermittedOrGone(fdDir, e.getCause());
        } catch (AccessDeniedException e) {
            throw new NotPermitted(fdDir, e);
        }
        return indexByFd;
    }

    private static Optional<String> link(Path fd) throws IOException {
        try {
            return Optional.of(Files.readSymbolicLink(fd).toString());
        } catch (NoSuchFileException closed) {
            return Optional.empty();
        } catch (AccessDeniedException e) {
            throw new NotPermitted(fd, e);
        }
    }

    private IOException notPermittedOrGone(Path dir, IOException e) {
        return Files.exists(process()) ? new NotPermitted(dir, e)
                : new NoSuchFileException(dir.toString(), null, "no process " + pid + " under " + root);
    }

    /**
     * {@return a task's flags, field 9 of its {@code stat}; empty if it has exited}
     *
     * @param tid the task
     * @throws NotPermitted if the task exists and its {@code stat} cannot be read
     */
    OptionalLong flags(int tid) throws IOException {
        Optional<String> stat = read(tid, "stat");
        if (stat.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(KvmTrace.flags(stat.get()));
        } catch (IllegalArgumentException e) {
            return OptionalLong.empty(); // cut short as the task ended
        }
    }

    /**
     * {@return a task's {@code syscall} line; empty if it has exited}
     *
     * @param tid the task
     * @throws NotPermitted if the task exists and the line cannot be read: procfs lets only a
     *     caller that may ptrace the task read it
     */
    Optional<String> syscall(int tid) throws IOException {
        return read(tid, "syscall");
    }

    private Optional<String> read(int tid, String name) throws IOException {
        Path task = process().resolve("task").resolve(Integer.toString(tid));
        Path file = task.resolve(name);
        try (FileChannel channel = FileChannel.open(file)) {
            buffer.clear();
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // procfs hands these lines over whole; the loop only guards a short read
            }
            return Optional.of(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            if (!Files.exists(task)) {
                return Optional.empty();
            }
            throw new NotPermitted(file, e);
        }
    }
}
