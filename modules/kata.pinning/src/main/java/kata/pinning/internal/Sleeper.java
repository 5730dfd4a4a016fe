package kata.pinning.internal;

import java.time.Duration;

/** Waits between attempts to see every vCPU thread; tests pass one that records instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

    /** The real one. */
    Sleeper THREAD_SLEEP = Thread::sleep;

    /**
     * Waits.
     *
     * @param duration how long
     * @throws InterruptedException if the waiting thread is interrupted
     */
    void sleep(Duration duration) throws InterruptedException;
}
