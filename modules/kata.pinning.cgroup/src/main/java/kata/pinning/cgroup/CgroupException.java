package kata.pinning.cgroup;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Thrown when a cgroup file cannot be written or read, or a cgroup directory cannot be created or
 * removed. It names the file and the value, for example
 * {@code cannot write "4000" to /sys/fs/cgroup/cpuset/kata/sandbox/cpuset.cpus: Invalid argument}.
 *
 * @since 0.1
 */
public final class CgroupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    // A String, not a Path: Path is not Serializable.
    private final String file;
    private final String value;

    /**
     * Creates the exception.
     *
     * @param message the detail message; it should name {@code file} and {@code value}
     * @param file the cgroup file or directory the failed operation touched
     * @param value the value being written, or the text that could not be understood; empty when
     *     the operation wrote nothing
     * @param cause the underlying I/O or parse failure, or {@code null}
     */
    public CgroupException(String message, Path file, String value, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.file = Objects.requireNonNull(file, "file").toString();
        this.value = Objects.requireNonNull(value, "value");
    }

    /** {@return the cgroup file or directory the failed operation touched} */
    public Path file() {
        return Path.of(file);
    }

    /**
     * {@return the value being written, such as {@code "0-3"} or a pid, or the text that could not
     * be understood; empty when the operation wrote nothing, as for a directory removal}
     */
    public String value() {
        return value;
    }
}
