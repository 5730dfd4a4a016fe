package kata.pinning.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import kata.pinning.cli.discover.SandboxCommandLine;

/**
 * Fuzzes the {@code /proc} files the command reads besides the library's: {@code /proc/locks}
 * lines, then after a line {@value #CMDLINE} a process's {@code cmdline} (words split at NUL, as
 * the kernel writes it). Invariant: neither throws; a lock holder is a positive pid from a line
 * that names the file; a sandbox's QMP socket is named in one of the command line's words.
 */
class ProcFilesFuzzTest {

    private static final String CMDLINE = "#---cmdline---\n";
    private static final String INODE = "fe:00:2155279";

    @FuzzTest
    void locksAndCmdline(byte[] input) {
        String text = new String(input, UTF_8);
        int split = text.indexOf(CMDLINE);
        String locks = split < 0 ? text : text.substring(0, split);
        String cmdline = split < 0 ? "" : text.substring(split + CMDLINE.length());

        OptionalLong holder = ProcLocks.holder(List.of(locks.split("\n")), INODE);
        assertTrue(holder.isEmpty() || (holder.getAsLong() > 0 && locks.contains(INODE)), locks);

        List<String> argv = cmdline.isEmpty() ? List.of() : Arrays.asList(cmdline.split("\0"));
        Optional<SandboxCommandLine> vmm = SandboxCommandLine.of(argv);
        vmm.flatMap(SandboxCommandLine::qmpSocket).map(Path::getFileName).ifPresent(name ->
                assertTrue(argv.stream().anyMatch(word -> word.replace(",,", ",").contains(name.toString())), cmdline));
    }
}
