package kata.pinning.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code status}: the sandbox as the state file and the kernel see it; changes nothing. */
@Command(name = "status",
        description = {
            "Show the sandbox, its last decision and the vCPUs' real affinities.",
            "Shows whether pinning is enabled and in force, the containers' cpusets and their union, the last "
                    + "decision with its reason, and each vCPU thread's affinity as the kernel reports it. "
                    + "Needs --pid and --state (and --vmm, or --qmp for QEMU over QMP); changes nothing."},
        footerHeading = "%nJSON (--json), also printed by vm-started and container:%n",
        footer = {
            "  {\"enabled\":true, \"policy\":\"exact|fit\", \"pinned\":true, \"cpuset\":\"0-1\",",
            "   \"decision\":\"none|pinned|reset|skipped|unchanged|failed\", \"reason\":\"...\",",
            "   \"vcpus\":[{\"index\":0, \"threadId\":1234, \"node\":null, \"affinity\":\"0\",",
            "     \"pinned\":true}],",
            "   \"containers\":{\"c1\":{\"cpus\":\"0-1\", \"mems\":\"0\"}}}"})
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    private KataPinning root;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        try (LiveSandbox sandbox = LiveSandbox.open(root.options(), spec.commandLine(), false)) {
            StatusView view = sandbox.status();
            root.output().print(view, view::toText);
        }
        return KataPinning.OK;
    }
}
