package kata.pinning.internal;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import kata.pinning.qmp.QmpClient;

/**
 * A QEMU process seen through its QMP socket ({@code query-cpus-fast}) and {@code /proc}.
 *
 * @param qmp a connected QMP client; not closed here
 * @param pid QEMU's process id
 */
public record QemuVmm(QmpClient qmp, int pid) implements VmmView {

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException if {@code pid <= 0}
     */
    public QemuVmm {
        Objects.requireNonNull(qmp, "qmp");
        if (pid <= 0) {
            throw new IllegalArgumentException("VMM pid must be positive: " + pid);
        }
    }

    @Override
    public List<Vcpu> vcpus() throws IOException {
        return qmp.queryCpusFast().stream()
                .map(cpu -> new Vcpu(cpu.cpuIndex(), cpu.threadId()))
                .toList();
    }

    @Override
    public boolean hasTask(int tid) {
        return VmmView.procHasTask(pid, tid);
    }

    /** One scan of {@code /proc/<pid>/task} for the whole batch: a stat per thread costs more. */
    @Override
    public List<Integer> notTasks(Collection<Integer> tids) {
        return VmmView.notProcTasks(pid, tids);
    }

    @Override
    public String toString() {
        return "QEMU pid " + pid;
    }
}
