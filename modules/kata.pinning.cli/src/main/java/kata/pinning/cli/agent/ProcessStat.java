package kata.pinning.cli.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code /proc/<pid>/stat} says of a process that tells it apart from another one with the
 * same pid: its name ({@code comm}, which an {@code exec} changes) and its start time (field 22,
 * in clock ticks since boot, which a recycled pid changes).
 *
 * @param comm the process's name, as the kernel keeps it
 * @param startTime when it started
 */
record ProcessStat(String comm, long startTime) {

    /** The field of {@code stat} that holds the start time, counted from 1. */
    private static final int START_TIME_FIELD = 22;

    /**
     * Reads the stat of a process.
     *
     * @param procRoot where procfs is mounted
     * @param pid the process
     * @return its stat; empty when it is gone or the file is not a stat line
     */
    static Optional<ProcessStat> read(Path procRoot, int pid) {
        try {
            return parse(new String(Files.readAllBytes(procRoot.resolve(Integer.toString(pid)).resolve("stat")),
                    StandardCharsets.UTF_8));
        } catch (IOException gone) {
            return Optional.empty();
        }
    }

    /**
     * Parses a stat line: {@code pid (comm) state ppid ...}; the name may hold spaces and
     * parentheses, so it ends at the last {@code ')'}.
     *
     * @param line the text of the file
     * @return its name and start time; empty when it is not such a line
     */
    static Optional<ProcessStat> parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open || close + 2 > line.length()) {
            return Optional.empty();
        }
        String[] fields = line.substring(close + 2).strip().split(" ");
        if (fields.length <= START_TIME_FIELD - 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ProcessStat(line.substring(open + 1, close), Long.parseLong(fields[START_TIME_FIELD - 3])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
