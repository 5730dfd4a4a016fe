package kata.pinning.cli;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import kata.pinning.HostView;
import kata.pinning.Vmm;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.config.KataConfig;
import kata.pinning.config.PinningPolicy;
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
                    + "a task of --pid is not read. Policy is the one a new sandbox would get: --policy, else the Kata "
                    + "configuration's (--config, else Kata's search path), else exact."},
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
     * @param policy the placement policy a new sandbox would get: {@code --policy}, else the Kata
     *     configuration's, else {@code exact}
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
        HostView host = HostView.of(options.proc(), ThreadAffinity.linux());
        try (VmmConnection connection = VmmConnection.open(options, spec.commandLine())) {
            Vmm vmm = connection.vmm();
            List<StatusView.VcpuView> vcpus = host.observe(vmm).stream().map(StatusView.VcpuView::of).toList();
            Inspection inspection = new Inspection(vmm.kind(), vmm.source(), policy(options), vcpus);
            root.output().print(inspection, () -> inspection.toText(vmm.pid()));
        }
        return KataPinning.OK;
    }

    /**
     * The policy a new sandbox would get, found as the lifecycle commands find it: the flag, else the
     * Kata configuration's ({@code --config}, else Kata's search path); {@code exact} on a host with no
     * Kata configuration at all, where inspecting still works.
     */
    private static String policy(GlobalOptions options) {
        if (options.policy() == null && options.config() == null && KataConfig.locate().isEmpty()) {
            return PinningPolicy.EXACT.configName();
        }
        return options.policyOf(LiveSandbox.podConfig(options)).policy().configName();
    }
}
