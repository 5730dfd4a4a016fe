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
import java.util.Map;
import java.util.Objects;

/**
 * The tasks of a process as procfs lists them under {@code <root>/<pid>/task}, for the thread names
 * of the VMMs that name their vCPU threads. The root is {@code /proc} on the host, or wherever a
 * container sees the host's procfs mounted.
 *
 * @param root the procfs mount point
 */
public record ProcTasks(Path root) {

    /** Room for a comm ({@code TASK_COMM_LEN}, 16 bytes with the newline), and more. */
    private static final int COMM_BUFFER = 64;

    /** Checks the root. */
    public ProcTasks {
        Objects.requireNonNull(root, "root");
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

    /**
     * Reads the names of the given tasks of a process, as a step's {@link kata.pinning.TaskListing}
     * lists them, without listing the task directory again. A task that has exited since is left out.
     *
     * @param pid a process id
     * @param tids its tasks
     * @return each task's name, by thread id
     * @throws IOException if the name of a task that still exists cannot be read
     */
    public Map<Integer, String> threadNames(int pid, int[] tids) throws IOException {
        Path dir = taskDir(pid);
        Map<Integer, String> names = new HashMap<>();
        ByteBuffer buffer = ByteBuffer.allocate(COMM_BUFFER);
        for (int tid : tids) {
            String name = readName(dir.resolve(Integer.toString(tid)), buffer);
            if (name != null) {
                names.put(tid, name);
            }
        }
        return names;
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
