package kata.pinning.launcher.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** What QEMU printed before it failed, and the line of it that says why. */
public final class QemuOutput {

    /** How many lines of an attempt's output are kept. */
    public static final int TAIL_LINES = 10;

    // "qemu-system-x86_64: " or "/usr/bin/qemu-system-x86_64: ", as QEMU's error_report starts a line.
    private static final Pattern PROGRAM = Pattern.compile("^\\S*qemu-system-[\\w-]+: ");
    private static final String ERROR = "error: ";

    private QemuOutput() {
    }

    /**
     * {@return the last {@value #TAIL_LINES} non-blank lines of QEMU's log, stripped}
     *
     * @param log the file QEMU's stdout and stderr went to
     */
    public static List<String> tail(Path log) {
        List<String> lines;
        try {
            lines = Files.readString(log, StandardCharsets.UTF_8).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            return List.of("(QEMU's log " + log + " is unreadable: " + e.getMessage() + ")");
        }
        return lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
    }

    /**
     * {@return the line that says why QEMU failed, without the program name}
     *
     * <p>A line marked {@code error:} wins (QEMU prints the reason so, then may assert and abort,
     * as with a refused MSR); else the last line that is not a warning, since QEMU ends with the
     * reason it exits.
     *
     * @param tail    QEMU's last lines
     * @param ifEmpty what to say when QEMU printed nothing useful
     */
    public static String message(List<String> tail, String ifEmpty) {
        List<String> lines = tail.stream().map(line -> PROGRAM.matcher(line).replaceFirst("")).toList();
        for (String line : lines) {
            if (line.startsWith(ERROR)) {
                return line.substring(ERROR.length());
            }
        }
        return lines.reversed().stream()
                .filter(line -> !line.startsWith("warning: ") && !line.startsWith("terminating on signal"))
                .findFirst()
                .orElse(ifEmpty);
    }
}
