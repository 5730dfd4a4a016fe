package kata.pinning.internal;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import kata.pinning.TaskListing;
import kata.pinning.VcpuThread;
import kata.pinning.Vmm;
import kata.pinning.VmmKind;

/**
 * A VMM whose vCPU threads are found by their names under {@code <proc root>/<pid>/task}: only
 * tasks of the VMM are ever looked at, a thread that exits during the scan is left out, and two
 * live threads claiming one index are an error ({@link VcpuNames}).
 *
 * @param vmmKind which VMM, and so which thread names
 * @param pid the VMM's process id
 * @param proc where procfs is mounted
 */
public record ThreadNameVmm(VmmKind vmmKind, int pid, ProcTasks proc) implements Vmm {

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException if {@code pid <= 0}
     */
    public ThreadNameVmm {
        Objects.requireNonNull(vmmKind, "vmmKind");
        Objects.requireNonNull(proc, "proc");
        if (pid <= 0) {
            throw new IllegalArgumentException("VMM pid must be positive: " + pid);
        }
    }

    @Override
    public List<VcpuThread> vcpus() throws IOException {
        return byName(proc.threadNames(pid));
    }

    /** Reads the names of the listed tasks only: the step's listing is the one the guard checks. */
    @Override
    public List<VcpuThread> vcpus(TaskListing tasks) throws IOException {
        return tasks.isEmpty() ? vcpus() : byName(proc.threadNames(pid, tasks.tids()));
    }

    private List<VcpuThread> byName(Map<Integer, String> names) throws IOException {
        try {
            return VcpuNames.vcpus(vmmKind, names);
        } catch (IllegalArgumentException e) {
            throw new IOException(this + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String kind() {
        return vmmKind.cliName();
    }

    @Override
    public String source() {
        return "thread-names";
    }

    @Override
    public String toString() {
        return vmmKind.cliName() + " pid " + pid;
    }
}
