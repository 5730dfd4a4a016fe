package kata.pinning.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code vm-started}: the step a runtime runs once the VM is up. */
@Command(name = "vm-started",
        description = {
            "Run the after-VM-start step, then the pinning check.",
            "Records the VMM's own affinity, the reset target once no container has a cpuset. Needs --pid "
                    + "and --state (and --vmm, or --qmp for QEMU over QMP); creates the state file, with the enable flag from --config and "
                    + "--annotation. Prints the decision; --json prints the status document (see 'status')."})
final class VmStartedCommand implements Callable<Integer> {

    @ParentCommand
    private KataPinning root;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        return LiveSandbox.run(root, spec.commandLine(), sandbox -> {
            try {
                sandbox.vmStarted();
            } catch (IllegalStateException e) {
                throw new BadInputException("the state file " + root.options().state()
                        + " is of a sandbox whose VM has started already; give a new VM a new --state file", e);
            }
        });
    }
}
