package kata.pinning.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The child process of {@link NamedThreads}; not for direct use. It reads lines from stdin:
 * {@code thread <name>} starts a thread with that name that waits until the process ends,
 * {@code churn <name>} starts a loop that keeps starting short-lived threads with that name, and
 * {@code start} ends the list. It then prints {@code <tid> <name>} for each waiting thread and
 * {@code ready}, and exits when stdin closes.
 */
public final class NamedThreadsMain {

    private NamedThreadsMain() {
    }

    /**
     * Runs the child.
     *
     * @param args ignored: they only show up on the command line, as a VMM's would
     * @throws IOException if stdin cannot be read
     * @throws InterruptedException if interrupted while starting a thread
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder report = new StringBuilder();
        for (String line = in.readLine(); line != null && !line.equals("start"); line = in.readLine()) {
            String name = line.substring(line.indexOf(' ') + 1);
            if (line.startsWith("churn ")) {
                Thread.ofPlatform().daemon().name("churner").start(() -> churn(name));
            } else {
                report.append(startWaiting(name)).append(' ').append(name).append('\n');
            }
        }
        System.out.print(report.append("ready\n"));
        System.out.flush();
        while (in.read() >= 0) {
            // wait for the parent to close stdin
        }
        System.exit(0);
    }

    /** Starts a thread that waits forever and returns its thread id. */
    private static int startWaiting(String name) throws InterruptedException {
        int[] tid = new int[1];
        CountDownLatch started = new CountDownLatch(1);
        Thread.ofPlatform().daemon().name(name).start(() -> {
            tid[0] = currentTid();
            started.countDown();
            while (true) {
                LockSupport.park();
            }
        });
        started.await();
        return tid[0];
    }

    /**
     * Keeps a thread with this name coming and going: each lives up to a millisecond, and the next
     * starts once the kernel has dropped the last one's task, as a VMM never runs two threads for
     * one vCPU.
     */
    private static void churn(String name) {
        while (true) {
            int[] tid = new int[1];
            Thread t = Thread.ofPlatform().name(name).start(() -> {
                tid[0] = currentTid();
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000_000));
            });
            try {
                t.join();
            } catch (InterruptedException e) {
                return;
            }
            Path task = Path.of("/proc/self/task", Integer.toString(tid[0]));
            while (Files.exists(task)) {
                Thread.onSpinWait();
            }
        }
    }

    private static int currentTid() {
        try {
            // "/proc/thread-self" links to "<pid>/task/<tid>".
            return Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/thread-self", e);
        }
    }
}
