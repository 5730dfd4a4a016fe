package kata.pinning.cli;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import kata.pinning.Vmm;
import kata.pinning.VmmKind;
import kata.pinning.qmp.QmpClient;
import picocli.CommandLine;

/**
 * The VMM that {@code --vmm}, {@code --qmp}, {@code --pid}, {@code --proc} and {@code --vcpu-source}
 * name, for one invocation, or for one VMM process of the node agent. {@code auto} takes QMP when a
 * socket is given (QEMU only; its failure is the error), else the vCPU threads' names when the VMM
 * has them, else the kernel's {@code kvm-vcpu} fds; an explicit source is that one or an error. Close it to disconnect from QMP.
 */
public final class VmmConnection implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(VmmConnection.class.getName());

    private final Vmm vmm;
    private final Optional<QmpClient> qmp;

    private VmmConnection(Vmm vmm, Optional<QmpClient> qmp) {
        this.vmm = vmm;
        this.qmp = qmp;
    }

    /**
     * Opens the VMM that the global options name.
     *
     * @param options the global options
     * @param command the command, for usage errors
     * @return the VMM, connected when over QMP
     * @throws CommandLine.ParameterException if {@code --pid} is missing or names no process, or
     *     {@code --qmp} or {@code --vcpu-source qmp} does not fit the other options
     * @throws IOException if the source, or under {@code auto} every source, finds no vCPU thread
     */
    static VmmConnection open(GlobalOptions options, CommandLine command) throws IOException {
        int pid = options.requirePid(command);
        if (options.qmp() != null && options.vmm() != VmmKind.QEMU) {
            throw new CommandLine.ParameterException(command,
                    "--qmp is for --vmm qemu; " + options.vmm().cliName() + " is found by its threads' names or by kvm");
        }
        if (options.vcpuSource() == VcpuSource.QMP && options.qmp() == null) {
            throw new CommandLine.ParameterException(command, "--vcpu-source qmp needs QEMU's socket: give --qmp PATH");
        }
        return open(options.vmm(), pid, options.qmp(), options.proc(), options.vcpuSource());
    }

    /**
     * Opens a VMM process with the given source. Found by name or by the kernel, it must have at
     * least one vCPU thread now: a VMM without any is the wrong process or kind, and waiting would
     * not help.
     *
     * @param kind the VMM's kind
     * @param pid its process id
     * @param qmp QEMU's QMP socket, or null
     * @param proc where procfs is mounted
     * @param source which source, or {@code auto}
     * @return the VMM, connected when over QMP
     * @throws IOException if the source, or under {@code auto} every source, finds no vCPU thread;
     *     one line that says why
     */
    public static VmmConnection open(VmmKind kind, int pid, Path qmp, Path proc, VcpuSource source) throws IOException {
        return switch (source) {
            case QMP -> overQmp(pid, qmp);
            case THREAD_NAMES -> byName(kind, pid, proc);
            case KVM -> fromKernel(kind, pid, proc);
            case AUTO -> firstThatWorks(kind, pid, qmp, proc);
        };
    }

    private static VmmConnection firstThatWorks(VmmKind kind, int pid, Path qmp, Path proc) throws IOException {
        if (qmp != null) {
            return chosen(overQmp(pid, qmp), "--qmp is given"); // the socket asked for, or its error
        }
        List<String> tried = new ArrayList<>();
        try {
            return chosen(byName(kind, pid, proc), "its vCPU threads are named");
        } catch (IOException e) {
            tried.add("thread-names: " + e.getMessage());
        }
        try {
            return chosen(fromKernel(kind, pid, proc), "it has no vCPU threads by name");
        } catch (IOException e) {
            tried.add("kvm: " + e.getMessage());
        }
        throw new IOException(kind.cliName() + " pid " + pid + ": no vCPU source finds its vCPU threads; "
                + String.join("; ", tried));
    }

    private static VmmConnection chosen(VmmConnection connection, String why) {
        LOG.log(Level.DEBUG, () -> "vCPU source " + connection.vmm.source() + " for " + connection.vmm.kind()
                + " pid " + connection.vmm.pid() + ": " + why);
        return connection;
    }

    private static VmmConnection overQmp(int pid, Path qmp) throws IOException {
        QmpClient client = LiveSandbox.connect(qmp);
        return new VmmConnection(Vmm.qemu(client, pid), Optional.of(client));
    }

    private static VmmConnection byName(VmmKind kind, int pid, Path proc) throws IOException {
        Vmm byName = Vmm.threadNames(kind, pid, proc);
        if (byName.vcpus().isEmpty()) {
            throw new IOException(noVcpuThreads(kind, pid));
        }
        return new VmmConnection(byName, Optional.empty());
    }

    /** The kernel's view: it must find every vCPU now, so that an error is one line at once. */
    private static VmmConnection fromKernel(VmmKind kind, int pid, Path proc) throws IOException {
        Vmm kvm = Vmm.kvm(kind, pid, proc);
        kvm.vcpus();
        return new VmmConnection(kvm, Optional.empty());
    }

    /** The one line that says why a process has no vCPU threads by name, and what to do. */
    static String noVcpuThreads(VmmKind kind, int pid) {
        String none = kind.cliName() + " pid " + pid + " has no threads named '" + kind.threadName() + "'";
        return kind == VmmKind.QEMU
                ? none + ": start QEMU with -name <name>,debug-threads=on, or give --qmp PATH"
                : none + ": check --pid, and --vmm (" + VmmKind.names() + ")";
    }

    /** {@return the VMM} */
    public Vmm vmm() {
        return vmm;
    }

    /** Disconnects from QMP, if connected. */
    @Override
    public void close() {
        qmp.ifPresent(QmpClient::close);
    }
}
