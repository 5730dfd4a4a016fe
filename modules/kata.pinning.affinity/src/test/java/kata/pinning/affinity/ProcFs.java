package kata.pinning.affinity;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import kata.pinning.cpuset.CpuSet;

/** What procfs says about threads: the independent witness the tests check the binding against. */
final class ProcFs {

    private ProcFs() {
    }

    /** {@return {@code Cpus_allowed_list} of thread {@code tid} of process {@code pid}} */
    static CpuSet cpusAllowed(long pid, int tid) {
        return cpusAllowedIn(Path.of("/proc", Long.toString(pid), "task", Integer.toString(tid), "status"));
    }

    /** {@return {@code Cpus_allowed_list} of the main thread of process {@code pid}} */
    static CpuSet cpusAllowed(long pid) {
        return cpusAllowedIn(Path.of("/proc", Long.toString(pid), "status"));
    }

    /** {@return whether this process has a thread {@code tid}} */
    static boolean hasThread(int tid) {
        return Files.isDirectory(Path.of("/proc/self/task", Integer.toString(tid)));
    }

    /**
     * {@return the CPU the calling thread runs on now: field 39 of {@code /proc/thread-self/stat},
     * which for a running thread is the CPU it is running on}
     */
    static int currentCpu() {
        String stat = read(Path.of("/proc/thread-self/stat"));
        // Field 2 is "(comm)" and may hold spaces; fields from 3 on follow the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[39 - 3]);
    }

    /** {@return the thread id in {@code /proc/thread-self}, a link to {@code <pid>/task/<tid>}} */
    static int threadSelfId() {
        try {
            return Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until thread {@code tid} of this process is gone. {@link Thread#join()} returns while the
     * kernel thread may still be finishing, so a test of a dead thread id waits for procfs instead.
     */
    static void awaitThreadGone(int tid) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (hasThread(tid)) {
            if (Instant.now().isAfter(deadline)) {
                fail("thread " + tid + " still in /proc/self/task after 10 s");
            }
            Thread.sleep(5);
        }
    }

    private static CpuSet cpusAllowedIn(Path status) {
        return read(status).lines()
                .filter(line -> line.startsWith("Cpus_allowed_list:"))
                .map(line -> CpuSet.parse(line.substring("Cpus_allowed_list:".length())))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Cpus_allowed_list in " + status));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
