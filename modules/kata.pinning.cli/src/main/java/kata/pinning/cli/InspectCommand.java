package kata.pinning.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import kata.pinning.affinity.AffinityException;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.qmp.CpuInfoFast;
import kata.pinning.qmp.QmpClient;
import kata.pinning.qmp.QmpException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code inspect}: the VMM's vCPU threads and their affinities now, without any sandbox state. */
@Command(name = "inspect",
        description = {
            "Show each vCPU's thread and the CPUs it may run on now.",
            "Asks the VMM for its vCPUs over QMP and the kernel for each thread's affinity. Needs --qmp and "
                    + "--pid; changes nothing and needs no state. A thread that is not a task of --pid is not read."},
        footerHeading = "%nJSON (--json):%n",
        footer = "  {\"vcpus\":[{\"index\":0, \"threadId\":1234, \"affinity\":\"0\"}]}")
final class InspectCommand implements Callable<Integer> {

    @ParentCommand
    private KataPinning root;

    @Spec
    private CommandSpec spec;

    /**
     * The JSON document.
     *
     * @param vcpus each vCPU, in index order
     */
    record Inspection(List<StatusView.VcpuView> vcpus) {
    }

    @Override
    public Integer call() throws QmpException {
        CommandLine command = spec.commandLine();
        GlobalOptions options = root.options();
        Path socket = options.requireQmp(command);
        int pid = options.requirePid(command);
        ThreadAffinity affinity = ThreadAffinity.linux();
        try (QmpClient qmp = LiveSandbox.connect(socket)) {
            List<StatusView.VcpuView> vcpus = qmp.queryCpusFast().stream()
                    .sorted(Comparator.comparingInt(CpuInfoFast::cpuIndex))
                    .map(cpu -> new StatusView.VcpuView(cpu.cpuIndex(), cpu.threadId(),
                            affinityOf(affinity, pid, cpu.threadId())))
                    .toList();
            root.output().print(new Inspection(vcpus), () -> StatusView.vcpuTable(vcpus).stripTrailing());
        }
        return KataPinning.OK;
    }

    /** The thread's CPUs as a cpulist; null if it is not a task of the VMM, or is gone. */
    private static String affinityOf(ThreadAffinity affinity, int pid, int tid) {
        if (tid <= 0 || !Files.isDirectory(Path.of("/proc", Integer.toString(pid), "task", Integer.toString(tid)))) {
            return null;
        }
        try {
            return affinity.get(tid).toString();
        } catch (AffinityException e) {
            return null;
        }
    }
}
