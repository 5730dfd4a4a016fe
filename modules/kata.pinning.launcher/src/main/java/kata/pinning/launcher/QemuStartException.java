package kata.pinning.launcher;

import java.io.IOException;
import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/**
 * No attempt gave a running QEMU. The message has one clause per attempt, each quoting QEMU.
 *
 * @since 0.1
 */
public final class QemuStartException extends IOException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Kept for callers in this JVM; the message holds what a serialized copy needs. */
    private final transient List<QemuAttemptFailure> failures;

    /**
     * @param failures every attempt, in the order they were made; at least one
     * @throws IllegalArgumentException if {@code failures} is empty
     */
    public QemuStartException(List<QemuAttemptFailure> failures) {
        super("QEMU did not start: " + failures.stream().map(QemuAttemptFailure::toString).collect(Collectors.joining("; ")));
        if (failures.isEmpty()) {
            throw new IllegalArgumentException("no attempt was made");
        }
        this.failures = List.copyOf(failures);
    }

    /** {@return every attempt, in the order they were made} */
    public List<QemuAttemptFailure> failures() {
        return failures;
    }
}
