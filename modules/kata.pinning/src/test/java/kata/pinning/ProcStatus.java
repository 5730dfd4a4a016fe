package kata.pinning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import kata.pinning.cpuset.CpuSet;

/** What the kernel says about a thread in {@code /proc}, independently of the affinity module. */
final class ProcStatus {

    private ProcStatus() {
    }

    /** {@return {@code Cpus_allowed_list} of {@code /proc/<pid>/task/<tid>/status}} */
    static CpuSet cpusAllowed(long pid, long tid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "status");
        return Files.readAllLines(status).stream()
                .filter(line -> line.startsWith("Cpus_allowed_list:"))
                .map(line -> CpuSet.parse(line.substring(line.indexOf(':') + 1)))
                .findFirst()
                .orElseThrow(() -> new IOException("no Cpus_allowed_list in " + status));
    }
}
