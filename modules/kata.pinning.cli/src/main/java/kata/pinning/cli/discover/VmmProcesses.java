package kata.pinning.cli.discover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import kata.pinning.Vmm;
import kata.pinning.VmmKind;

/**
 * The VMM processes of Kata sandboxes under a proc root, each with its vCPU count from its
 * threads' names. Reads {@code <root>/<pid>/cmdline} and {@code <root>/<pid>/task/*}{@code /comm}
 * only: it never connects to a QMP socket, which the runtime may hold, and changes nothing.
 */
public final class VmmProcesses {

    private VmmProcesses() {
    }

    /**
     * One VMM process.
     *
     * @param pid its process id
     * @param commandLine what its command line says
     * @param vcpus its vCPU threads by name; empty when they cannot be counted that way (QEMU
     *     without {@code debug-threads}, or two threads claiming one index)
     * @param countProblem why {@code vcpus} is empty, when it is
     */
    public record Found(int pid, SandboxCommandLine commandLine, OptionalInt vcpus, Optional<String> countProblem) {
    }

    /**
     * Lists the VMM processes, by pid. A process that exits during the scan is left out, and so is
     * a runtime-rs shim without Dragonball vCPU threads (it runs another VMM, found on its own).
     *
     * @param procRoot where procfs is mounted
     * @return the processes found
     * @throws IOException if the proc root cannot be listed
     */
    public static List<Found> scan(Path procRoot) throws IOException {
        List<Found> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(procRoot, entry -> isPid(entry.getFileName().toString()))) {
            for (Path entry : entries) {
                int pid = Integer.parseInt(entry.getFileName().toString());
                commandLine(entry).flatMap(SandboxCommandLine::of)
                        .flatMap(line -> count(procRoot, pid, line))
                        .ifPresent(found::add);
            }
        }
        found.sort(Comparator.comparingInt(Found::pid));
        return found;
    }

    private static Optional<Found> count(Path procRoot, int pid, SandboxCommandLine line) {
        try {
            int vcpus = Vmm.threadNames(line.kind(), pid, procRoot).vcpus().size();
            if (vcpus == 0 && line.kind() == VmmKind.QEMU) {
                return Optional.of(new Found(pid, line, OptionalInt.empty(), Optional.of("no debug-threads")));
            }
            if (vcpus == 0 && line.kind() == VmmKind.DRAGONBALL) {
                return Optional.empty();
            }
            return Optional.of(new Found(pid, line, OptionalInt.of(vcpus), Optional.empty()));
        } catch (IOException e) {
            return Files.isDirectory(procRoot.resolve(Integer.toString(pid)))
                    ? Optional.of(new Found(pid, line, OptionalInt.empty(), Optional.of(e.getMessage())))
                    : Optional.empty(); // exited during the scan
        }
    }

    /** The command line's words; empty for a kernel thread or a process that is gone. */
    private static Optional<List<String>> commandLine(Path process) {
        try {
            String raw = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8);
            List<String> words = Arrays.asList(raw.split("\0"));
            return raw.isEmpty() ? Optional.empty() : Optional.of(words);
        } catch (IOException gone) {
            return Optional.empty();
        }
    }

    private static boolean isPid(String name) {
        return !name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
