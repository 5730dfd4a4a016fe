package kata.pinning.cli;

/**
 * Input the command cannot act on, found after parsing, such as an unreadable OCI file; exit code
 * {@link KataPinning#BAD_INPUT}.
 */
final class BadInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, naming the input
     * @param cause the underlying failure, or null
     */
    BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
