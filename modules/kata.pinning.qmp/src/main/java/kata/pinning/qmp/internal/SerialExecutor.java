package kata.pinning.qmp.internal;

import java.lang.System.Logger.Level;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in the order given, on a virtual thread that exists only while tasks
 * are queued: an idle client holds no thread for its listeners.
 */
final class SerialExecutor {

    private static final System.Logger LOG = System.getLogger("kata.pinning.qmp");

    private final String threadName;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Thread thread;

    SerialExecutor(String threadName) {
        this.threadName = threadName;
    }

    /** Queues a task; it runs after every task queued before it. */
    void execute(Runnable task) {
        tasks.add(task);
        if (running.compareAndSet(false, true)) {
            thread = Thread.ofVirtual().name(threadName).start(this::drain);
        }
    }

    private void drain() {
        do {
            for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, threadName + ": task failed", e);
                }
            }
            running.set(false);
            // A task queued after the last poll but before the flag dropped found it still set.
        } while (!tasks.isEmpty() && running.compareAndSet(false, true));
    }

    /** {@return the thread running tasks now, or {@code null}} */
    Thread thread() {
        Thread t = thread;
        return t != null && t.isAlive() ? t : null;
    }
}
