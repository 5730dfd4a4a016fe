package kata.pinning.qmp;

/**
 * The peer broke the QMP protocol: malformed JSON, a line longer than
 * {@link QmpClient#MAX_LINE_BYTES}, a reply without an {@code id}, a message that is neither a reply
 * nor an event, or a missing or malformed greeting. The message quotes a short excerpt of the
 * offending input.
 *
 * <p>A protocol error in the stream closes the connection, since nothing after it can be trusted;
 * callers that were waiting get a {@link QmpConnectionClosedException} with this exception as its
 * cause. A well-formed reply whose result does not have the shape a typed query expects (for
 * example {@link QmpClient#queryCpusFast()} without {@code thread-id}) throws this exception
 * to that caller only, and the connection stays open.
 *
 * @since 0.1
 */
public final class QmpProtocolException extends QmpException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong, with an excerpt of the input
     */
    public QmpProtocolException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the parser's error as its cause.
     *
     * @param message what was wrong, with an excerpt of the input
     * @param cause   the underlying parse or mapping error
     */
    public QmpProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
