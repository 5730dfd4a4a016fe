package kata.pinning.qmp;

import java.io.IOException;

/**
 * A QMP operation failed. The subclasses say how: {@link QmpCommandException} (QEMU refused the
 * command; the connection stays usable), {@link QmpTimeoutException}, {@link QmpConnectionClosedException}
 * and {@link QmpProtocolException}. This class itself is thrown only when the calling thread is
 * interrupted while it waits for a reply; the interrupt status is then set again.
 *
 * @since 0.1
 */
public class QmpException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what failed
     */
    public QmpException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what failed
     * @param cause   why, or {@code null}
     */
    public QmpException(String message, Throwable cause) {
        super(message, cause);
    }
}
