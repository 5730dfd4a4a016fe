package kata.pinning.qmp.internal;

import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.locks.ReentrantLock;
import kata.pinning.qmp.QmpConnectionClosedException;

/**
 * Whether and why a session closed, and the exceptions and log line that say so. A session closes
 * once; the reason is written before the flag, so whoever sees the flag sees the reason.
 */
final class SessionEnd {

    private static final System.Logger LOG = System.getLogger("kata.pinning.qmp");

    private final String peer;
    private final ReentrantLock closing = new ReentrantLock(); // not synchronized: virtual threads wait here
    private volatile boolean closed;
    private volatile Throwable reason; // written before closed becomes true

    SessionEnd(String peer) {
        this.peer = peer;
    }

    /**
     * Marks the session closed and logs why, the first time only.
     *
     * @param why          the failure that ends it, or {@code null} when closed on purpose
     * @param nothingLost  whether no command is in flight, so that an end of stream is routine
     * @return {@code false} if it was closed already
     */
    boolean close(Throwable why, boolean nothingLost) {
        closing.lock();
        try {
            if (closed) {
                return false;
            }
            reason = why;
            closed = true;
        } finally {
            closing.unlock();
        }
        if (why == null) {
            LOG.log(Level.DEBUG, "QMP connection to {0} closed", peer);
        } else if (why instanceof EOFException && nothingLost) {
            LOG.log(Level.DEBUG, "QMP connection to {0} ended: {1}", peer, why.getMessage());
        } else if (why instanceof IOException) {
            LOG.log(Level.WARNING, "QMP connection to " + peer + " failed; closing it", why);
        } else {
            LOG.log(Level.ERROR, "QMP session with " + peer + " broke; closing it", why);
        }
        return true;
    }

    /** {@return whether the session has closed} */
    boolean isClosed() {
        return closed;
    }

    /**
     * Makes the exception for an operation that cannot complete because the session is closed.
     *
     * @param command  the command in flight, or {@code null}
     * @param activity what was awaited when no command was, such as {@code event SHUTDOWN}
     * @return the exception, with the reason the session closed as its cause
     */
    QmpConnectionClosedException error(String command, String activity) {
        Throwable why = reason;
        String what = command != null ? "running '" + command + "'" : "waiting for " + activity;
        return new QmpConnectionClosedException("QMP connection to " + peer + " is closed; stopped " + what
                + (why == null ? " (closed by the client)" : ": " + why.getMessage()), command, why);
    }
}
