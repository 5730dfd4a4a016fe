package kata.pinning.cli.agent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kata.pinning.cli.discover.SandboxCommandLine;
import kata.pinning.cli.discover.VmmProcesses;

/**
 * Finds the node's VMM processes under the proc root, again and again, at the cost of one read of
 * {@code stat} per process per scan: a process's command line is read only when it is new, or
 * its name or start time changed (an {@code exec}, a recycled pid). Not thread-safe: one scan at a time.
 */
final class NodeScan {

    /** What one process was found to be, and the stat that says it is still that process. */
    private record Known(ProcessStat stat, Optional<VmmProcess> vmm) {
    }

    private final Path procRoot;
    private Map<Integer, Known> known = new HashMap<>();

    NodeScan(Path procRoot) {
        this.procRoot = procRoot;
    }

    /**
     * Scans the proc root.
     *
     * @return every VMM process, of a Kata sandbox or not, by pid
     * @throws IOException if the proc root cannot be listed
     */
    List<VmmProcess> scan() throws IOException {
        Map<Integer, Known> now = new HashMap<>();
        List<VmmProcess> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(procRoot, e -> VmmProcesses.isPid(e.getFileName().toString()))) {
            for (Path entry : entries) {
                int pid = Integer.parseInt(entry.getFileName().toString());
                Optional<ProcessStat> stat = ProcessStat.read(procRoot, pid);
                if (stat.isEmpty()) {
                    continue; // exited during the scan
                }
                Known before = known.get(pid);
                Known process = before != null && before.stat().equals(stat.get()) ? before
                        : new Known(stat.get(), classify(entry, pid, stat.get()));
                now.put(pid, process);
                process.vmm().ifPresent(found::add);
            }
        }
        known = now;
        found.sort((a, b) -> Integer.compare(a.pid(), b.pid()));
        return found;
    }

    private static Optional<VmmProcess> classify(Path process, int pid, ProcessStat stat) {
        return VmmProcesses.commandLine(process).flatMap(SandboxCommandLine::of).map(line -> new VmmProcess(pid, stat.startTime(), line));
    }
}
