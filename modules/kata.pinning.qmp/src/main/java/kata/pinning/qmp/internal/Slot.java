package kata.pinning.qmp.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One command waiting for its reply: how to decode the reply, the thread to wake, and the outcome.
 * The outcome is set once, by whichever comes first: the reply, the session's end, or the caller
 * giving up.
 *
 * @param <T> the decoded result
 */
final class Slot<T> {

    private static final int WAITING = 0;
    private static final int DONE = 1;
    private static final int ABANDONED = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Slot.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long id;
    final String command;
    final ReplyDecoder<T> decoder;
    final Thread caller;
    private volatile int state = WAITING;
    private T value;
    private Exception failure; // null with DONE: success

    Slot(long id, String command, ReplyDecoder<T> decoder, Thread caller) {
        this.id = id;
        this.command = command;
        this.decoder = decoder;
        this.caller = caller;
    }

    /** {@return whether the caller still waits for an outcome} */
    boolean isWaiting() {
        return state == WAITING;
    }

    /** {@return whether an outcome is set} */
    boolean isDone() {
        return state == DONE;
    }

    /** Sets the result and wakes the caller; {@code false} if an outcome was set or the caller left. */
    boolean complete(T result) {
        value = result; // published by the volatile write of the state below
        return finish();
    }

    /** Sets the failure and wakes the caller; {@code false} if an outcome was set or the caller left. */
    boolean fail(Exception e) {
        failure = e;
        return finish();
    }

    private boolean finish() {
        if (!STATE.compareAndSet(this, WAITING, DONE)) {
            return false;
        }
        LockSupport.unpark(caller);
        return true;
    }

    /** Marks that the caller left; {@code false} if an outcome came first, which it must then take. */
    boolean abandon() {
        return STATE.compareAndSet(this, WAITING, ABANDONED);
    }

    /** {@return the result, once {@link #isDone()}; a failure is rethrown} */
    T result() throws Exception {
        if (failure != null) {
            throw failure;
        }
        return value;
    }
}
