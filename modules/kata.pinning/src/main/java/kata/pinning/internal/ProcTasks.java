package kata.pinning.internal;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
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
                try {
                    tids.add(Integer.parseInt(task.getFileName().toString()));
                } catch (NumberFormatException notATask) {
                    // procfs lists only numeric names here; anything else is not a thread.
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            return Set.of(); // no such process, or no access: none of its threads can be vouched for
        }
        return tids;
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
