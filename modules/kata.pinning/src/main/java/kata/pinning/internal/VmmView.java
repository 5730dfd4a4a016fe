package kata.pinning.internal;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the pinning step needs from a running VMM. QEMU is behind {@link QemuVmm}; tests pass fakes.
 */
public interface VmmView {

    /** {@return the VMM's process id} */
    int pid();

    /**
     * Asks the VMM for its vCPUs and their host threads. The answer is not trusted: a thread id
     * may be absent (0 or less), shared by several vCPUs, or not the VMM's at all.
     *
     * @return the vCPUs, in any order
     * @throws IOException if the VMM cannot be asked
     */
    List<Vcpu> vcpus() throws IOException;

    /**
     * {@return whether {@code tid} is a thread of the VMM process now} The real check is the
     * existence of {@code /proc/<pid>/task/<tid>}.
     *
     * @param tid a host thread id, greater than 0
     */
    boolean hasTask(int tid);

    /**
     * Returns those of {@code tids} that are not threads of the VMM process now: what
     * {@link #hasTask} says of each, which an implementation may answer with one look at all of the
     * VMM's tasks instead of one per thread.
     *
     * @param tids host thread ids
     * @return the ids that are not the VMM's, in the order given; empty when all are
     */
    default List<Integer> notTasks(Collection<Integer> tids) {
        return tids.stream().filter(tid -> !hasTask(tid)).toList();
    }

    /**
     * {@return whether {@code /proc/<pid>/task/<tid>} exists: the kernel's answer to "is thread
     * {@code tid} part of process {@code pid}"}
     *
     * @param pid a process id
     * @param tid a thread id
     */
    static boolean procHasTask(int pid, int tid) {
        return pid > 0 && tid > 0 && Files.isDirectory(Path.of("/proc", Integer.toString(pid), "task", Integer.toString(tid)));
    }

    /**
     * {@return those of {@code tids} that {@code /proc/<pid>/task} does not list, in the order
     * given: all of them when the process is gone} One directory scan answers for the whole batch,
     * where a stat per thread costs more.
     *
     * @param pid a process id, greater than 0
     * @param tids host thread ids
     */
    static List<Integer> notProcTasks(int pid, Collection<Integer> tids) {
        Set<Integer> tasks = procTasks(pid);
        return tids.stream().filter(tid -> !tasks.contains(tid)).toList();
    }

    /**
     * {@return the thread ids listed in {@code /proc/<pid>/task}, read with one directory scan;
     * empty when the process is gone or its tasks cannot be listed}
     *
     * @param pid a process id, greater than 0
     */
    static Set<Integer> procTasks(int pid) {
        Set<Integer> tids = new HashSet<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Integer.toString(pid), "task"))) {
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
}
