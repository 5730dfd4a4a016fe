package kata.pinning.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Writes a {@value QemuVm#QEMU_BINARY} wrapper into a directory, to be put first on {@code PATH},
 * that fails the way some hosts make QEMU fail and otherwise runs the real QEMU. Each method
 * returns the search path with the wrapper's directory first, for
 * {@link kata.pinning.launcher.QemuLauncher.Builder#searchPath} or a child process's {@code PATH}.
 *
 * <p>A host without {@code /dev/kvm} never makes the KVM attempts these wrappers fail; point the
 * launcher's KVM probe at {@link #kvmStandIn} to make them anyway. The real QEMU then fails its own
 * KVM start there, and the launcher goes on to TCG.
 *
 * @since 0.1
 */
public final class QemuWrappers {

    /** What QEMU prints before it aborts when KVM refuses an MSR of the host CPU model. */
    public static final String MSR_ERROR = "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69";

    private static final String MSR_ASSERTION = "qemu-system-x86_64: ../target/i386/kvm/kvm.c:3081: kvm_buf_set_msrs: "
            + "Assertion `ret == cpu->kvm_msr_buf->nmsrs' failed.";
    private static final String NO_KVM = "Could not access KVM kernel module: Permission denied\n"
            + "qemu-system-x86_64: failed to initialize kvm: Permission denied";

    // Sets kvm=yes for "-machine ...accel=kvm..." or "-accel kvm", and cpu to the -cpu model without its flags.
    private static final String PARSE = """
            kvm=no cpu= prev=
            for arg in "$@"; do
                case "$prev" in
                    -machine) case "$arg" in *accel=kvm*) kvm=yes ;; esac ;;
                    -accel) case "$arg" in kvm*) kvm=yes ;; esac ;;
                    -cpu) cpu=${arg%%,*} ;;
                esac
                prev=$arg
            done
            """;

    private QemuWrappers() {
    }

    /**
     * Wrapper 1, a nested AMD host: KVM with {@code -cpu host} or {@code -cpu max} prints
     * {@link #MSR_ERROR} and an assertion, and exits 134 as QEMU's SIGABRT does; anything else runs
     * the real QEMU.
     *
     * @param dir an empty directory for the wrapper
     * @return the search path with {@code dir} first
     * @throws IOException if the wrapper cannot be written
     */
    public static String refusingHostCpuModels(Path dir) throws IOException {
        return write(dir, PARSE
                + "if [ \"$kvm\" = yes ] && { [ \"$cpu\" = host ] || [ \"$cpu\" = max ]; }; then\n"
                + printToStderr(MSR_ERROR) + printToStderr(MSR_ASSERTION)
                + "    exit 134\nfi\n");
    }

    /**
     * Wrapper 2: every KVM start fails as QEMU does without access to {@code /dev/kvm} (exit 1);
     * anything else runs the real QEMU.
     *
     * @param dir an empty directory for the wrapper
     * @return the search path with {@code dir} first
     * @throws IOException if the wrapper cannot be written
     */
    public static String failingKvm(Path dir) throws IOException {
        return write(dir, PARSE
                + "if [ \"$kvm\" = yes ]; then\n"
                + NO_KVM.lines().map(QemuWrappers::printToStderr).collect(Collectors.joining())
                + "    exit 1\nfi\n");
    }

    /**
     * Wrapper 3: every start prints {@code qemu-system-x86_64: <message>} to stderr and exits 1.
     *
     * @param dir     an empty directory for the wrapper
     * @param message what it prints, on one line
     * @return the search path with {@code dir} first
     * @throws IOException if the wrapper cannot be written
     */
    public static String alwaysFailing(Path dir, String message) throws IOException {
        if (message.contains("\n")) {
            throw new IllegalArgumentException("message must be one line: " + message);
        }
        return write(dir, printToStderr("qemu-system-x86_64: " + message) + "exit 1\n");
    }

    /**
     * Writes a regular file that the launcher's KVM probe opens as it opens {@code /dev/kvm}, so
     * the KVM attempts are made on a host without KVM too.
     *
     * @param dir a directory for the file
     * @return the file
     * @throws IOException if it cannot be written
     */
    public static Path kvmStandIn(Path dir) throws IOException {
        return Files.writeString(dir.resolve("kvm-stand-in"), "");
    }

    private static String printToStderr(String line) {
        return "    printf '%s\\n' '" + line.replace("'", "'\\''") + "' >&2\n";
    }

    private static String write(Path dir, String body) throws IOException {
        QemuVm.assumeQemu();
        Path real = QemuVm.findQemu().orElseThrow();
        Path wrapper = dir.resolve(QemuVm.QEMU_BINARY);
        Files.writeString(wrapper, "#!/bin/sh\n" + body + "exec '" + real + "' \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir.toAbsolutePath() + File.pathSeparator + Objects.requireNonNullElse(System.getenv("PATH"), "");
    }
}
