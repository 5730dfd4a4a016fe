package kata.pinning;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The tasks (threads) of a VMM process as one look at {@code <proc root>/<pid>/task} found them:
 * the ground truth that a VMM's report is checked against, and the key of the built-in VMMs'
 * re-check cache. {@link HostView} takes one per step of a sandbox and hands that same listing to
 * the VMM ({@link Vmm#vcpus(TaskListing)}) and to the check that every thread the VMM reports is
 * one of its tasks.
 *
 * <p>procfs lists a process's tasks in the order the kernel keeps them, which is creation order: a
 * new thread goes to the end. So if a thread was replaced by a newer one reusing its id, every
 * thread listed after it is newer as well, the last one included, and the last one's start time
 * (field 22 of {@code /proc/<pid>/task/<tid>/stat}, in clock ticks since boot) differs. A vCPU
 * hot-plug starts a thread and an unplug ends one, so either changes the listing:
 * {@link #sameThreads} costs one directory scan and one small read, instead of one read per thread.
 *
 * @since 0.2
 */
public final class TaskListing {

    /** The field of {@code stat} that holds the start time, counted from 1. */
    private static final int START_TIME_FIELD = 22;
    /** The start time of a listing whose last task ended before it could be read. */
    private static final long UNKNOWN_START = -1;
    /** Reads of a listing whose last task ends before its start time is read. */
    private static final int ATTEMPTS = 3;

    private final int pid;
    private final int[] tids;
    private final int[] sorted;
    private final long lastStartTime;

    private TaskListing(int pid, int[] tids, long lastStartTime) {
        this.pid = pid;
        this.tids = tids;
        this.sorted = tids.clone();
        Arrays.sort(sorted);
        this.lastStartTime = lastStartTime;
    }

    /**
     * Lists the tasks of a process. Names that are not thread ids are skipped. When the last task
     * ends before its start time is read, the listing is taken again; if that keeps happening, the
     * tasks are still listed, with no start time, so the listing vouches for them but
     * {@link #sameThreads} is false and no cached answer is reused.
     *
     * @param procRoot where procfs is mounted, {@code /proc} on the host
     * @param pid the process
     * @return the listing; empty when the process is gone or its tasks cannot be listed, so that
     *     none of its threads is vouched for
     */
    public static TaskListing read(Path procRoot, int pid) {
        Path taskDir = procRoot.resolve(Integer.toString(pid)).resolve("task");
        int[] tids = new int[0];
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            tids = tidsIn(taskDir);
            if (tids.length == 0) {
                return empty(pid);
            }
            try {
                return new TaskListing(pid, tids, startTime(taskDir.resolve(Integer.toString(tids[tids.length - 1])).resolve("stat")));
            } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
                // the last task ended meanwhile, or its stat is not one: list again
            }
        }
        return new TaskListing(pid, tids, UNKNOWN_START);
    }

    /** The numeric names in a task directory, in the order procfs lists them; none when it cannot be read. */
    private static int[] tidsIn(Path taskDir) {
        int[] tids = new int[64];
        int count = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(taskDir)) {
            for (Path task : tasks) {
                int tid = tidOf(task.getFileName().toString());
                if (tid > 0) {
                    if (count == tids.length) {
                        tids = Arrays.copyOf(tids, count * 2);
                    }
                    tids[count++] = tid;
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            return new int[0]; // no such process, or no access: none of its threads can be vouched for
        }
        return Arrays.copyOf(tids, count);
    }

    private static int tidOf(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException notATask) {
            return 0; // procfs lists only numeric names here; anything else is not a thread
        }
    }

    /**
     * A listing given directly, for a VMM or a test of the caller's own.
     *
     * @param pid the process
     * @param tids its thread ids, in the order procfs lists them (creation order)
     * @param lastStartTime the start time of the last of them, as {@code stat} field 22 gives it
     * @return the listing
     */
    public static TaskListing of(int pid, int[] tids, long lastStartTime) {
        return new TaskListing(pid, tids.clone(), lastStartTime);
    }

    /**
     * {@return a listing with no tasks: the process is gone or cannot be read}
     *
     * @param pid the process
     */
    public static TaskListing empty(int pid) {
        return new TaskListing(pid, new int[0], UNKNOWN_START);
    }

    /** {@return the process whose tasks these are} */
    public int pid() {
        return pid;
    }

    /** {@return whether no task was listed} */
    public boolean isEmpty() {
        return tids.length == 0;
    }

    /** {@return how many tasks were listed} */
    public int size() {
        return tids.length;
    }

    /**
     * {@return whether {@code tid} is one of the listed tasks}
     *
     * @param tid a thread id
     */
    public boolean contains(int tid) {
        return Arrays.binarySearch(sorted, tid) >= 0;
    }

    /** {@return the thread ids, in procfs order} */
    public int[] tids() {
        return tids.clone();
    }

    /** {@return the thread ids, as a set} */
    public Set<Integer> tidSet() {
        return Arrays.stream(tids).boxed().collect(Collectors.toUnmodifiableSet());
    }

    /**
     * {@return whether both listings show the same threads of the same process; never true for an
     * empty listing, which proves nothing}
     *
     * @param other an earlier listing
     */
    public boolean sameThreads(TaskListing other) {
        return other != null && !isEmpty() && lastStartTime != UNKNOWN_START && pid == other.pid
                && lastStartTime == other.lastStartTime && Arrays.equals(tids, other.tids);
    }

    /** Reads field 22 of a {@code stat} file; the fields after the command name, which may hold anything, follow the last ')'. */
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

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskListing other && pid == other.pid && lastStartTime == other.lastStartTime
                && Arrays.equals(tids, other.tids);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * pid + Arrays.hashCode(tids)) + Long.hashCode(lastStartTime);
    }

    @Override
    public String toString() {
        return isEmpty() ? "TaskListing[pid " + pid + ", no tasks]"
                : "TaskListing[pid " + pid + ", " + tids.length + " threads, last " + tids[tids.length - 1]
                        + " started at " + lastStartTime + "]";
    }
}
