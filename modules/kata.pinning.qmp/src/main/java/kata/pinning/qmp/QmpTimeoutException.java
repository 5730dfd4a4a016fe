package kata.pinning.qmp;

import java.time.Duration;
import java.util.Objects;

/**
 * An operation did not finish within its time limit.
 *
 * <p>A timeout is the caller's alone: when a command gets no reply in time, that caller gets this
 * exception and the connection stays open for every other caller. The command's id stays taken
 * until its late reply arrives, which is then dropped, so it can never be taken for the answer to
 * another command. {@link QmpClient#awaitEvent} times out the same way. When QEMU sends no greeting
 * while connecting, the connection attempt is abandoned.
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
