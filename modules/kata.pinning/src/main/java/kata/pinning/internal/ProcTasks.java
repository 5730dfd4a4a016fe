package kata.pinning.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The tasks of a process as procfs lists them under {@code <root>/<pid>/task}. The root is
 * {@code /proc} on the host, or wherever a container sees the host's procfs mounted.
 *
 * @param root the procfs mount point
 */
public record ProcTasks(Path root) implements TaskTable {

    /** The host's own procfs. */
    public static final Path DEFAULT_ROOT = Path.of("/proc");

    /** Room for a comm ({@code TASK_COMM_LEN}, 16 bytes with the newline), and more. */
    private static final int COMM_BUFFER = 64;

    /** Checks the root. */
    public ProcTasks {
        Objects.requireNonNull(root, "root");
    }

    /** One directory scan answers for a whole plan, where a stat per thread costs more. */
    @Override
    public Set<Integer> tasksOf(int pid) {
        Set<Integer> tids = new HashSet<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(taskDir(pid))) {
            for (Path task : tasks) {
                int tid = tidOf(task);
                if (tid > 0) {
                    tids.add(tid);
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            return Set.of(); // no such process, or no access: none of its threads can be vouched for
        }
        return tids;
    }

    /**
     * Reads the name ({@code comm}) of every task of a process. Only tasks listed under the
     * process's own {@code task} directory are read, and a task that exits between the listing and
     * the read is left out.
     *
     * @param pid a process id
     * @return each task's name without the trailing newline, by thread id
     * @throws IOException if the process does not exist under this root, or a name of a task that
     *     still exists cannot be read
     */
    public Map<Integer, String> threadNames(int pid) throws IOException {
        Path dir = taskDir(pid);
        Map<Integer, String> names = new HashMap<>();
        ByteBuffer buffer = ByteBuffer.allocate(COMM_BUFFER);
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(dir)) {
            for (Path task : tasks) {
                int tid = tidOf(task);
                String name = tid > 0 ? readName(task, buffer) : null;
                if (name != null) {
                    names.put(tid, name);
                }
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(dir.toString(), null, "no process " + pid + " under " + root);
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        return names;
    }

    /**
     * The task's comm, read in one call into {@code buffer}: procfs hands it over whole, at most
     * 15 bytes and a newline. Null if the task has exited, which reads as ENOENT or ESRCH mid-way.
     */
    private static String readName(Path task, ByteBuffer buffer) throws IOException {
        try (FileChannel comm = FileChannel.open(task.resolve("comm"))) {
            buffer.clear();
            int length = Math.max(comm.read(buffer), 0);
            if (length > 0 && buffer.get(length - 1) == '\n') {
                length--;
            }
            return new String(buffer.array(), 0, length, StandardCharsets.UTF_8);
        } catch (IOException e) {
            if (Files.exists(task)) {
                throw e;
            }
            return null;
        }
    }

    private static int tidOf(Path task) {
        try {
            return Integer.parseInt(task.getFileName().toString());
        } catch (NumberFormatException notATask) {
            return 0; // procfs lists only numeric names here; anything else is not a thread
        }
    }

    /**
     * {@return the directory that lists the tasks of {@code pid}}
     *
     * @param pid a process id
     */
    public Path taskDir(int pid) {
        return root.resolve(Integer.toString(pid)).resolve("task");
    }
}
