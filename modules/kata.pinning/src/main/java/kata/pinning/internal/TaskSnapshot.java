package kata.pinning.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A process's threads at one moment, enough to tell whether any thread started or ended since an
 * earlier snapshot: the thread ids in the order procfs lists them, and the start time of the last.
 *
 * <p>procfs lists a process's tasks in the order the kernel keeps them, which is creation order:
 * a new thread goes to the end. So if a thread was replaced by a newer one reusing its id, every
 * thread listed after it is newer as well, the last one included, and the last one's start time
 * (field 22 of {@code /proc/<pid>/task/<tid>/stat}, in clock ticks since boot) differs. A hot-plug
 * starts a thread and an unplug ends one, so either changes the snapshot. One directory scan and
 * one small read, instead of one read per thread.
 *
 * @param tids          the thread ids, in procfs order
 * @param lastStartTime the start time of the last thread
 */
public record TaskSnapshot(int[] tids, long lastStartTime) {

    /** The field of {@code stat} that holds the start time, counted from 1. */
    private static final int START_TIME_FIELD = 22;

    /**
     * Takes a snapshot.
     *
     * @param procRoot the procfs mount point
     * @param pid      the process
     * @return the snapshot, or empty if the process is gone or its tasks cannot be read, or a
     *         thread came or went while reading
     */
    public static Optional<TaskSnapshot> take(Path procRoot, int pid) {
        Path taskDir = new ProcTasks(procRoot).taskDir(pid);
        int[] tids = new int[64];
        int count = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(taskDir)) {
            for (Path task : tasks) {
                if (count == tids.length) {
                    tids = Arrays.copyOf(tids, count * 2);
                }
                tids[count++] = Integer.parseInt(task.getFileName().toString());
            }
            if (count == 0) {
                return Optional.empty();
            }
            int last = tids[count - 1];
            return Optional.of(new TaskSnapshot(Arrays.copyOf(tids, count),
                    startTime(taskDir.resolve(Integer.toString(last)).resolve("stat"))));
        } catch (IOException | DirectoryIteratorException | NumberFormatException e) {
            return Optional.empty(); // no usable snapshot: the caller asks the VMM
        }
    }

    /** Reads field 22 of a {@code stat} file; fields after the command name, which may hold anything, end in ')'. */
    static long startTime(Path stat) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        try (FileChannel channel = FileChannel.open(stat)) {
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // a stat line is a few hundred bytes; one read nearly always takes it whole
            }
        }
        String line = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
        String[] fields = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(fields[START_TIME_FIELD - 3]); // fields[0] is field 3, the state
    }

    /** {@return the thread ids, as a set} */
    public Set<Integer> tidSet() {
        Set<Integer> set = new HashSet<>(tids.length * 2);
        for (int tid : tids) {
            set.add(tid);
        }
        return set;
    }

    /** {@return whether both snapshots show the same threads} */
    public boolean sameThreads(TaskSnapshot other) {
        return lastStartTime == other.lastStartTime && Arrays.equals(tids, other.tids);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskSnapshot other && sameThreads(other);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tids) + Long.hashCode(lastStartTime);
    }

    @Override
    public String toString() {
        return "TaskSnapshot[" + tids.length + " threads, last " + tids[tids.length - 1] + " started at " + lastStartTime + "]";
    }
}
