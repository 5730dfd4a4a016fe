package kata.pinning.internal;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import kata.pinning.VcpuThread;
import kata.pinning.Vmm;
import kata.pinning.qmp.QmpClient;

/**
 * A QEMU process seen through its QMP socket: {@code query-cpus-fast}, with {@code props.node-id}
 * as the guest NUMA node when QEMU runs with {@code -numa}.
 *
 * @param qmp a connected QMP client; not closed here
 * @param pid QEMU's process id
 */
public record QemuVmm(QmpClient qmp, int pid) implements Vmm {

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
    public List<VcpuThread> vcpus() throws IOException {
        return qmp.queryCpusFast().stream()
                .map(cpu -> new VcpuThread(cpu.cpuIndex(), cpu.threadId(), cpu.props().nodeId()))
                .toList();
    }

    @Override
    public String kind() {
        return "qemu";
    }

    @Override
    public String source() {
        return "qmp";
    }

    @Override
    public String toString() {
        return "QEMU pid " + pid;
    }
}
