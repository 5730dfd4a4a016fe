package kata.pinning.qmp;

import java.util.Objects;

/**
 * QEMU answered a command with an error, for example {@code CommandNotFound} for an unknown
 * command or {@code GenericError} for a {@code device_add} it rejects. The connection stays open.
 *
 * <p>Match on {@link #errorClass()} rather than on the description: QEMU keeps the classes
 * stable but rewords descriptions between versions, and may add new classes.
 *
 * @since 0.1
 */
public final class QmpCommandException extends QmpException {

    private static final long serialVersionUID = 1L;

    /** The command QEMU refused. */
    private final String command;
    /** The reply's {@code error.class}. */
    private final String errorClass;
    /** The reply's {@code error.desc}. */
    private final String description;

    /**
     * Creates the exception for one error reply.
     *
     * @param command     the command QEMU refused
     * @param errorClass  the reply's {@code error.class}, such as {@code CommandNotFound}
     * @param description the reply's {@code error.desc}
     */
    public QmpCommandException(String command, String errorClass, String description) {
        super("QMP command '" + command + "' failed: " + errorClass + ": " + description);
        this.command = Objects.requireNonNull(command, "command");
        this.errorClass = Objects.requireNonNull(errorClass, "errorClass");
        this.description = Objects.requireNonNull(description, "description");
    }

    /** {@return the command that failed} */
    public String command() {
        return command;
    }

    /** {@return the QMP error class, such as {@code CommandNotFound}, {@code GenericError} or {@code DeviceNotFound}} */
    public String errorClass() {
        return errorClass;
    }

    /** {@return QEMU's human-readable description of the error} */
    public String description() {
        return description;
    }
}
