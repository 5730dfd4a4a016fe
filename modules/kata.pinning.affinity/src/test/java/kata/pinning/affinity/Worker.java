package kata.pinning.affinity;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One platform thread that runs tasks on request, so a test can pin it and then watch it run. */
final class Worker implements AutoCloseable {

    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            task -> Thread.ofPlatform().name("affinity-test-worker").daemon().unstarted(task));
    private final int tid = call(LinuxThreads::currentThreadId);

    /** {@return the worker's kernel thread id, as it learned it from gettid} */
    int tid() {
        return tid;
    }

    /** {@return what {@code task} returns when run on the worker thread} */
    <T> T call(Callable<T> task) {
        try {
            return thread.submit(task).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("task failed on the worker thread", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("worker thread did not answer", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        thread.shutdownNow();
        if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new AssertionError("worker thread " + tid + " did not stop");
        }
    }
}
