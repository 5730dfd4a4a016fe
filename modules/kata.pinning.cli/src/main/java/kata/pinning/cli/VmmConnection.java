package kata.pinning.cli;

import java.io.IOException;
import java.util.Optional;
import kata.pinning.Vmm;
import kata.pinning.VmmKind;
import kata.pinning.qmp.QmpClient;
import picocli.CommandLine;

/**
 * The VMM that {@code --vmm}, {@code --qmp}, {@code --pid} and {@code --proc} name, for one
 * invocation: QEMU over its QMP socket when {@code --qmp} is given, else the VMM's vCPU threads
 * found by name under the proc root. Close it to disconnect from QMP.
 */
final class VmmConnection implements AutoCloseable {

    private final Vmm vmm;
    private final Optional<QmpClient> qmp;

    private VmmConnection(Vmm vmm, Optional<QmpClient> qmp) {
        this.vmm = vmm;
        this.qmp = qmp;
    }

    /**
     * Opens the VMM. Found by name, it must have at least one vCPU thread now: a VMM without any
     * is the wrong process or kind, or QEMU without {@code debug-threads}, and waiting would not help.
     *
     * @param options the global options
     * @param command the command, for usage errors
     * @return the VMM, connected when over QMP
     * @throws CommandLine.ParameterException if {@code --pid} is missing or names no process, or
     *     {@code --qmp} is given for a VMM other than QEMU
     * @throws IOException if QMP cannot be reached, the threads cannot be read, or there are no
     *     vCPU threads by name
     */
    static VmmConnection open(GlobalOptions options, CommandLine command) throws IOException {
        int pid = options.requirePid(command);
        if (options.qmp() != null) {
            if (options.vmm() != VmmKind.QEMU) {
                throw new CommandLine.ParameterException(command,
                        "--qmp is for --vmm qemu; " + options.vmm().cliName() + " is found by its threads' names");
            }
            QmpClient client = LiveSandbox.connect(options.qmp());
            return new VmmConnection(Vmm.qemu(client, pid), Optional.of(client));
        }
        Vmm byName = Vmm.threadNames(options.vmm(), pid, options.proc());
        if (byName.vcpus().isEmpty()) {
            throw new IOException(noVcpuThreads(options.vmm(), pid));
        }
        return new VmmConnection(byName, Optional.empty());
    }

    /** The one line that says why a process has no vCPU threads by name, and what to do. */
    static String noVcpuThreads(VmmKind kind, int pid) {
        String none = kind.cliName() + " pid " + pid + " has no threads named '" + kind.threadName() + "'";
        return kind == VmmKind.QEMU
                ? none + ": start QEMU with -name <name>,debug-threads=on, or give --qmp PATH"
                : none + ": check --pid, and --vmm (" + VmmKind.names() + ")";
    }

    /** {@return the VMM} */
    Vmm vmm() {
        return vmm;
    }

    @Override
    public void close() {
        qmp.ifPresent(QmpClient::close);
    }
}
