package kata.pinning.qmp.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One command waiting for its reply: how to decode the reply, the thread to wake, and the outcome.
 * The outcome is one immutable value, set once by compare-and-set by whichever comes first: the
 * reply, the session's end, or the caller giving up. Whoever loses that race changes nothing.
 *
 * @param <T> the decoded result
 */
final class Slot<T> {

    /**
     * What became of a command: its result, or the failure to throw.
     *
     * @param value   the decoded result; {@code null} when failed
     * @param failure the failure; {@code null} on success
     */
    record Outcome<T>(T value, Exception failure) {

        static <T> Outcome<T> success(T value) {
            return new Outcome<>(value, null);
        }

        static <T> Outcome<T> failed(Exception failure) {
            return new Outcome<>(null, failure);
        }
    }

    private static final Outcome<?> ABANDONED = new Outcome<>(null, null);
    private static final VarHandle OUTCOME;

    static {
        try {
            OUTCOME = MethodHandles.lookup().findVarHandle(Slot.class, "outcome", Outcome.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long id;
    final String command;
    final ReplyDecoder<T> decoder;
    final Thread caller;
    private volatile Outcome<T> outcome; // null while the caller waits

    Slot(long id, String command, ReplyDecoder<T> decoder, Thread caller) {
        this.id = id;
        this.command = command;
        this.decoder = decoder;
        this.caller = caller;
    }

    /** {@return whether the caller still waits for an outcome} */
    boolean isWaiting() {
        return outcome == null;
    }

    /**
     * Sets the outcome and wakes the caller.
     *
     * @return {@code false} if an outcome was set already or the caller left; nothing changed then
     */
    boolean settle(Outcome<T> result) {
        if (!OUTCOME.compareAndSet(this, null, result)) {
            return false;
        }
        if (caller != Thread.currentThread()) {
            LockSupport.unpark(caller);
        }
        return true;
    }

    /** Fails the command, as {@link #settle}. */
    boolean fail(Exception failure) {
        return settle(Outcome.failed(failure));
    }

    /** Marks that the caller left; {@code false} if an outcome came first, which the caller must then take. */
    @SuppressWarnings("unchecked")
    boolean abandon() {
        return OUTCOME.compareAndSet(this, null, (Outcome<T>) ABANDONED);
    }

    /** {@return the outcome the caller takes, or {@code null} while there is none} */
    Outcome<T> outcome() {
        Outcome<T> result = outcome;
        return result == ABANDONED ? null : result;
    }
}
