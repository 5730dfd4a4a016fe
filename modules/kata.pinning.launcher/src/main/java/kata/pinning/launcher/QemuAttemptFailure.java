package kata.pinning.launcher;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One attempt that did not give a running QEMU.
 *
 * @param choice     what was tried
 * @param message    QEMU's own message, the line of its output that says why, without the program name
 * @param outputTail the last lines QEMU printed (stdout and stderr), oldest first
 * @param exitStatus QEMU's exit status (128 + the signal when a signal ended it), or empty when
 *                   QEMU still ran and was stopped because it did not answer on its QMP socket
 * @since 0.1
 */
public record QemuAttemptFailure(QemuChoice choice, String message, List<String> outputTail, OptionalInt exitStatus) {

    /** @throws NullPointerException if an argument is null */
    public QemuAttemptFailure {
        Objects.requireNonNull(choice, "choice");
        Objects.requireNonNull(message, "message");
        outputTail = List.copyOf(outputTail);
        Objects.requireNonNull(exitStatus, "exitStatus");
    }

    /**
     * {@return the line a caller prints when the launcher moved on from this attempt, such as
     * {@code KVM with -cpu host failed: failed to set MSR 0x10a to 0x69; using KVM with -cpu qemu64}}
     *
     * @param next the choice tried next
     */
    public String fallbackLine(QemuChoice next) {
        return choice + " failed: " + message + "; using " + next;
    }

    /** {@return this failure in one clause, with how QEMU ended} */
    @Override
    public String toString() {
        String end = exitStatus.isPresent() ? "QEMU exited with status " + exitStatus.getAsInt() : "QEMU was stopped";
        return choice + " failed: " + end + ": " + message;
    }
}
