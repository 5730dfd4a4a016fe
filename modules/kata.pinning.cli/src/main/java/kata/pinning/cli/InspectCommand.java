package kata.pinning.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import kata.pinning.SandboxStatus;
import kata.pinning.VcpuThread;
import kata.pinning.Vmm;
import kata.pinning.affinity.AffinityException;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.config.PinningPolicy;
import kata.pinning.cpuset.CpuSet;
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
                    + "a task of --pid is not read. Policy is --policy, else the one of --config, else exact."},
        footerHeading = "%nJSON (--json):%n",
        footer = {
            "  {\"vmm\":\"qemu|cloud-hypervisor|...\", \"source\":\"qmp|thread-names\", \"policy\":\"exact|fit\",",
            "   \"vcpus\":[{\"index\":0, \"threadId\":1234, \"node\":0, \"affinity\":\"0\", \"pinned\":true}]}"})
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
     * @param policy the placement policy that applies: {@code --policy}, else that of {@code --config}, else {@code exact}
     * @param vcpus each vCPU, in index order
     */
    record Inspection(String vmm, String source, String policy, List<StatusView.VcpuView> vcpus) {

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
            List<VcpuThread> cpus = vmm.vcpus().stream().sorted(Comparator.comparingInt(VcpuThread::index)).toList();
            List<Optional<CpuSet>> affinities = cpus.stream()
                    .map(cpu -> affinityOf(affinity, options.proc(), vmm.pid(), cpu.threadId())).toList();
            List<Boolean> pinned = SandboxStatus.pinnedOfTheirOwn(affinities);
            List<StatusView.VcpuView> vcpus = IntStream.range(0, cpus.size())
                    .mapToObj(i -> new StatusView.VcpuView(cpus.get(i).index(), cpus.get(i).threadId(),
                            cpus.get(i).node().isPresent() ? cpus.get(i).node().getAsInt() : null,
                            affinities.get(i).map(Object::toString).orElse(null), pinned.get(i)))
                    .toList();
            Inspection inspection = new Inspection(vmm.kind(), vmm.source(), policy(options), vcpus);
            root.output().print(inspection, () -> inspection.toText(vmm.pid()));
        }
        return KataPinning.OK;
    }

    /** The policy that applies without a sandbox: the flag, else the given configuration's, else the default. */
    private static String policy(GlobalOptions options) {
        if (options.policy() != null) {
            return options.policy().configName();
        }
        return options.config() == null ? PinningPolicy.EXACT.configName()
                : LiveSandbox.podConfig(options).base().policy().policy().configName();
    }

    /** The thread's CPUs; empty if it is not a task of the VMM, or is gone. */
    private static Optional<CpuSet> affinityOf(ThreadAffinity affinity, Path proc, int pid, int tid) {
        if (tid <= 0 || !Files.isDirectory(proc.resolve(Integer.toString(pid)).resolve("task").resolve(Integer.toString(tid)))) {
            return Optional.empty();
        }
        try {
            return Optional.of(affinity.get(tid));
        } catch (AffinityException e) {
            return Optional.empty();
        }
    }
}
