package kata.pinning.qmp;

import java.time.Duration;
import java.util.Objects;

/**
 * An operation did not finish within its time limit.
 *
 * <p>When a command gets no reply in time, or QEMU sends no greeting while connecting, the client
 * closes the connection: a late reply could otherwise be taken for the answer to something else,
 * and a peer that stopped answering is not trusted with more commands. Every other waiter then gets
 * a {@link QmpConnectionClosedException} whose cause is this exception. Only
 * {@link QmpClient#awaitEvent} times out without closing anything.
 *
 * @since 0.1
 */
public final class QmpTimeoutException extends QmpException {

    private static final long serialVersionUID = 1L;

    /** The time limit that passed. */
    private final Duration timeout;

    /**
     * Creates the exception.
     *
     * @param message what did not happen in time
     * @param timeout the limit that passed
     */
    public QmpTimeoutException(String message, Duration timeout) {
        super(message);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Creates the exception with a cause, such as the last failed connection attempt.
     *
     * @param message what did not happen in time
     * @param timeout the limit that passed
     * @param cause   the last error seen before the limit passed
     */
    public QmpTimeoutException(String message, Duration timeout, Throwable cause) {
        super(message, cause);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** {@return the time limit that passed} */
    public Duration timeout() {
        return timeout;
    }
}
