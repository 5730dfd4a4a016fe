package kata.pinning.qmp;

import java.util.List;
import java.util.Objects;

/**
 * What QEMU announced when the connection opened: its version and the QMP capabilities it offers.
 *
 * @param major        QEMU's major version, such as 7 in 7.2.22
 * @param minor        QEMU's minor version
 * @param micro        QEMU's micro version
 * @param packageName  the distribution's package string, such as {@code Debian 1:7.2+dfsg-7}; may be empty
 * @param capabilities the capabilities offered, such as {@code oob}; this client enables none of them
 * @since 0.1
 */
public record QmpGreeting(int major, int minor, int micro, String packageName, List<String> capabilities) {

    /**
     * Checks the components and copies the list.
     *
     * @throws NullPointerException     if {@code packageName} or {@code capabilities} is {@code null}
     * @throws IllegalArgumentException if a version number is negative
     */
    public QmpGreeting {
        if (major < 0 || minor < 0 || micro < 0) {
            throw new IllegalArgumentException("negative QEMU version " + major + "." + minor + "." + micro);
        }
        Objects.requireNonNull(packageName, "packageName");
        capabilities = List.copyOf(capabilities);
    }

    /** {@return the version as {@code major.minor.micro}, such as {@code 7.2.22}} */
    public String version() {
        return major + "." + minor + "." + micro;
    }
}
