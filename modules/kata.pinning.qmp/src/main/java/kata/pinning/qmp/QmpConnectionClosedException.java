package kata.pinning.qmp;

import java.util.Optional;

/**
 * The QMP connection is closed, so the operation cannot complete: QEMU closed it (EOF, for example
 * after {@code quit} or when it exited), the client closed it after a protocol error or another
 * command's timeout, or {@link QmpClient#close()} was called. Every caller that was waiting is
 * released with this exception, and every later call fails with it at once.
 *
 * <p>{@link #getCause()} says why the connection closed: an {@link java.io.EOFException}, a
 * {@link QmpProtocolException}, a {@link QmpTimeoutException}, another {@link java.io.IOException},
 * or {@code null} when the client was closed on purpose. A closed client never reopens; connect again.
 *
 * @since 0.1
 */
public final class QmpConnectionClosedException extends QmpException {

    private static final long serialVersionUID = 1L;

    /** The command in flight, or null. */
    private final String command;

    /**
     * Creates the exception.
     *
     * @param message what was interrupted and why
     * @param command the command in flight, or {@code null} if none was (waiting for the greeting or an event)
     * @param cause   why the connection closed, or {@code null} if it was closed on purpose
     */
    public QmpConnectionClosedException(String message, String command, Throwable cause) {
        super(message, cause);
        this.command = command;
    }

    /** {@return the command that was in flight or about to be sent, if any} */
    public Optional<String> command() {
        return Optional.ofNullable(command);
    }
}
