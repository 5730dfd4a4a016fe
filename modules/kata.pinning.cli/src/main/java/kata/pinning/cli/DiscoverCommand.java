package kata.pinning.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import kata.pinning.cli.discover.VmmProcesses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code discover}: the VMM processes of Kata sandboxes under the proc root; connects to nothing. */
@Command(name = "discover",
        description = {
            "List the VMM processes that look like Kata sandboxes, with their vCPU counts.",
            "Reads the command lines, fds and thread names under --proc: QEMU by its command line (-qmp, -name), "
                    + "Cloud Hypervisor, Firecracker and OpenVMM by their executables, Dragonball as the runtime-rs "
                    + "shim with vCPUs of its own. vCPUs are counted from the kernel, one anon_inode:kvm-vcpu fd "
                    + "each (reading another process's fds needs CAP_SYS_PTRACE); without KVM, by thread name, "
                    + "and for QEMU without debug-threads from its -smp. It never connects to a QMP socket, "
                    + "since the runtime may hold it. Changes nothing."},
        footerHeading = "%nJSON (--json):%n",
        footer = {
            "  {\"vmms\":[{\"pid\":1234, \"kind\":\"qemu\", \"sandbox\":\"<id>|null\",",
            "             \"vcpus\":2, \"vcpusFrom\":\"kvm|thread-names|command line\",",
            "             \"qmp\":\"<path>|null\"}]}"})
final class DiscoverCommand implements Callable<Integer> {

    @ParentCommand
    private KataPinning root;

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "the list as one JSON document, as the global --json")
    private boolean json;

    /**
     * The JSON document.
     *
     * @param vmms each VMM process, by pid
     */
    record Discovery(List<DiscoveredVmm> vmms) {
    }

    /**
     * One VMM process.
     *
     * @param pid its process id, for {@code --pid}
     * @param kind its kind, for {@code --vmm}
     * @param sandbox the sandbox id its command line shows, or null
     * @param vcpus its vCPU count, or null when it cannot be counted
     * @param vcpusFrom how the count was found: {@code kvm} (its kvm-vcpu fds), {@code thread-names},
     *     or {@code command line} (QEMU's -smp, under TCG); else why not
     * @param qmp QEMU's QMP socket from its command line, or null
     */
    record DiscoveredVmm(int pid, String kind, String sandbox, Integer vcpus, String vcpusFrom, String qmp) {

        static DiscoveredVmm of(VmmProcesses.Found found) {
            return new DiscoveredVmm(found.pid(), found.commandLine().kind().cliName(),
                    found.commandLine().sandboxId().orElse(null),
                    found.vcpus().isPresent() ? found.vcpus().getAsInt() : null, found.vcpusFrom(),
                    found.commandLine().qmpSocket().map(Path::toString).orElse(null));
        }
    }

    @Override
    public Integer call() throws IOException {
        Path proc = root.options().proc();
        List<DiscoveredVmm> vmms = VmmProcesses.scan(proc).stream().map(DiscoveredVmm::of).toList();
        new Output(spec.commandLine().getOut(), json || root.options().json())
                .print(new Discovery(vmms), () -> table(vmms, proc));
        return KataPinning.OK;
    }

    private static String table(List<DiscoveredVmm> vmms, Path proc) {
        if (vmms.isEmpty()) {
            return "(no VMM process of a Kata sandbox under " + proc + ")";
        }
        StringBuilder text = new StringBuilder(String.format("%-8s %-17s %-6s %-10s %s%n", "pid", "vmm", "vCPUs", "sandbox", "vCPUs from"));
        for (DiscoveredVmm vmm : vmms) {
            text.append(String.format("%-8d %-17s %-6s %-10s %s%n", vmm.pid(), vmm.kind(),
                    vmm.vcpus() == null ? "?" : vmm.vcpus(), vmm.sandbox() == null ? "-" : vmm.sandbox(), vmm.vcpusFrom()));
        }
        return text.toString().stripTrailing();
    }
}
