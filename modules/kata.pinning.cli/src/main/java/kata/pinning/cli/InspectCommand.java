package kata.pinning.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import kata.pinning.SandboxStatus;
import java.util.concurrent.Callable;
import kata.pinning.affinity.AffinityException;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.config.PinningPolicy;
import kata.pinning.cpuset.CpuSet;
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
                    + "--pid; changes nothing and needs no state. A thread that is not a task of --pid is not read. "
                    + "Policy is --policy, else the one of --config, else exact."},
        footerHeading = "%nJSON (--json):%n",
        footer = {
            "  {\"policy\":\"exact|fit\", \"vcpus\":[{\"index\":0, \"threadId\":1234, \"node\":0,",
            "   \"affinity\":\"0\", \"pinned\":true}]}"})
final class InspectCommand implements Callable<Integer> {

    @ParentCommand
    private KataPinning root;

    @Spec
    private CommandSpec spec;

    /**
     * The JSON document.
     *
     * @param policy the placement policy that applies: {@code --policy}, else that of {@code --config}, else {@code exact}
     * @param vcpus each vCPU, in index order
     */
    record Inspection(String policy, List<StatusView.VcpuView> vcpus) {
    }

    @Override
    public Integer call() throws QmpException {
        CommandLine command = spec.commandLine();
        GlobalOptions options = root.options();
        Path socket = options.requireQmp(command);
        int pid = options.requirePid(command);
        ThreadAffinity affinity = ThreadAffinity.linux();
        try (QmpClient qmp = LiveSandbox.connect(socket)) {
            List<CpuInfoFast> cpus = qmp.queryCpusFast().stream().sorted(Comparator.comparingInt(CpuInfoFast::cpuIndex)).toList();
            List<Optional<CpuSet>> affinities = cpus.stream().map(cpu -> affinityOf(affinity, pid, cpu.threadId())).toList();
            List<Boolean> pinned = SandboxStatus.pinnedOfTheirOwn(affinities);
            List<StatusView.VcpuView> vcpus = IntStream.range(0, cpus.size())
                    .mapToObj(i -> new StatusView.VcpuView(cpus.get(i).cpuIndex(), cpus.get(i).threadId(),
                            cpus.get(i).props().nodeId().isPresent() ? cpus.get(i).props().nodeId().getAsInt() : null,
                            affinities.get(i).map(Object::toString).orElse(null), pinned.get(i)))
                    .toList();
            root.output().print(new Inspection(policy(options), vcpus), () -> StatusView.vcpuTable(vcpus).stripTrailing());
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
    private static Optional<CpuSet> affinityOf(ThreadAffinity affinity, int pid, int tid) {
        if (tid <= 0 || !Files.isDirectory(Path.of("/proc", Integer.toString(pid), "task", Integer.toString(tid)))) {
            return Optional.empty();
        }
        try {
            return Optional.of(affinity.get(tid));
        } catch (AffinityException e) {
            return Optional.empty();
        }
    }
}
