package kata.pinning.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import kata.pinning.VcpuThread;
import kata.pinning.Vmm;
import kata.pinning.affinity.AffinityException;
import kata.pinning.affinity.ThreadAffinity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code inspect}: the VMM's vCPU threads and their affinities now, without any sandbox state. */
@Command(name = "inspect",
        description = {
            "Show each vCPU's thread and the CPUs it may run on now.",
            "Finds the VMM's vCPUs over QMP (--qmp) or by their threads' names (--vmm), and asks the kernel for "
                    + "each thread's affinity. Needs --pid; changes nothing and needs no state. A thread that is not "
                    + "a task of --pid is not read."},
        footerHeading = "%nJSON (--json):%n",
        footer = {
            "  {\"vmm\":\"qemu|cloud-hypervisor|...\", \"source\":\"qmp|thread-names\",",
            "   \"vcpus\":[{\"index\":0, \"threadId\":1234, \"affinity\":\"0\"}]}"})
final class InspectCommand implements Callable<Integer> {

    @ParentCommand
    private KataPinning root;

    @Spec
    private CommandSpec spec;

    /**
     * The JSON document.
     *
     * @param vmm the VMM kind, such as {@code cloud-hypervisor}
     * @param source how the vCPU threads were found: {@code qmp} or {@code thread-names}
     * @param vcpus each vCPU, in index order
     */
    record Inspection(String vmm, String source, List<StatusView.VcpuView> vcpus) {

        String toText(int pid) {
            return "vmm: " + vmm + " (pid " + pid + "), source: " + source + "\n" + StatusView.vcpuTable(vcpus).stripTrailing();
        }
    }

    @Override
    public Integer call() throws IOException {
        GlobalOptions options = root.options();
        ThreadAffinity affinity = ThreadAffinity.linux();
        try (VmmConnection connection = VmmConnection.open(options, spec.commandLine())) {
            Vmm vmm = connection.vmm();
            List<StatusView.VcpuView> vcpus = vmm.vcpus().stream()
                    .sorted(Comparator.comparingInt(VcpuThread::index))
                    .map(cpu -> new StatusView.VcpuView(cpu.index(), cpu.threadId(),
                            affinityOf(affinity, options.proc(), vmm.pid(), cpu.threadId())))
                    .toList();
            Inspection inspection = new Inspection(vmm.kind(), vmm.source(), vcpus);
            root.output().print(inspection, () -> inspection.toText(vmm.pid()));
        }
        return KataPinning.OK;
    }

    /** The thread's CPUs as a cpulist; null if it is not a task of the VMM, or is gone. */
    private static String affinityOf(ThreadAffinity affinity, Path proc, int pid, int tid) {
        if (tid <= 0 || !Files.isDirectory(proc.resolve(Integer.toString(pid)).resolve("task").resolve(Integer.toString(tid)))) {
            return null;
        }
        try {
            return affinity.get(tid).toString();
        } catch (AffinityException e) {
            return null;
        }
    }
}
