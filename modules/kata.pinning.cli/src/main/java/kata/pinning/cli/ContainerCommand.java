package kata.pinning.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import kata.pinning.ContainerEvent;
import kata.pinning.CpuResources;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code container add|update|delete}: a container event, then the pinning check. */
@Command(name = "container",
        description = {
            "Add, update or delete a container, then run the pinning check.",
            "Needs --pid and --state (and --vmm, or --qmp for QEMU over QMP). Prints the decision; --json prints the status document (see 'status')."},
        subcommands = {ContainerCommand.Add.class, ContainerCommand.Update.class, ContainerCommand.Delete.class})
final class ContainerCommand implements Runnable {

    @ParentCommand
    private KataPinning root;

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: add, update or delete");
    }

    /** Builds an event before anything is touched; a blank id is bad input. */
    private static ContainerEvent checked(Supplier<ContainerEvent> event) {
        try {
            return event.get();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(Failures.describe(e), e);
        }
    }

    /** A container's CPU resources: given as cpulists, or read from its OCI {@code config.json}. */
    static final class Resources {

        @ArgGroup(exclusive = false, multiplicity = "1")
        private Lists lists;

        @Option(names = "--oci", paramLabel = "CONFIG_JSON", required = true,
                description = "the container's OCI config.json; its linux.resources.cpu cpus and mems are used")
        private Path oci;

        /** Reads the resources; nothing else has happened yet, so a failure here changes nothing. */
        CpuResources read() {
            try {
                return oci == null ? CpuResources.parse(lists.cpus, lists.mems) : CpuResources.fromOciConfig(oci);
            } catch (IOException e) {
                throw new BadInputException("cannot read the OCI config " + oci + ": " + Failures.describe(e), e);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(Failures.describe(e), e);
            }
        }
    }

    /** {@code --cpus LIST [--mems LIST]}. */
    static final class Lists {

        @Option(names = "--cpus", paramLabel = "LIST", required = true,
                description = "the container's cpuset.cpus, a cpulist; an empty string for none")
        private String cpus;

        @Option(names = "--mems", paramLabel = "LIST", description = "the container's cpuset.mems, a cpulist (default: none)")
        private String mems = "";
    }

    /** A subcommand for one container: builds its event, then applies it to the live sandbox. */
    abstract static class EventCommand implements Callable<Integer> {

        @ParentCommand
        private ContainerCommand container;

        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "the container's id")
        private String id;

        /**
         * {@return the event for the container; reads its input, so it may throw}
         *
         * @param containerId the container's id
         */
        abstract ContainerEvent event(String containerId);

        @Override
        public Integer call() throws IOException {
            ContainerEvent event = event(id); // all input is checked before the VMM is contacted
            return LiveSandbox.run(container.root, spec.commandLine(), sandbox -> sandbox.update(event));
        }
    }

    @Command(name = "add", description = "Add a container with its cpuset, then run the pinning check.")
    static final class Add extends EventCommand {

        @ArgGroup(exclusive = true, multiplicity = "1")
        private Resources resources;

        @Override
        ContainerEvent event(String containerId) {
            CpuResources read = resources.read();
            return checked(() -> new ContainerEvent.Added(containerId, read));
        }
    }

    @Command(name = "update", description = {
        "Change a container's cpuset, then run the pinning check.",
        "The check runs even when the cpuset is unchanged, as after a CPU-quota update that hot-plugged vCPUs."})
    static final class Update extends EventCommand {

        @ArgGroup(exclusive = true, multiplicity = "1")
        private Resources resources;

        @Override
        ContainerEvent event(String containerId) {
            CpuResources read = resources.read();
            return checked(() -> new ContainerEvent.Updated(containerId, read));
        }
    }

    @Command(name = "delete", description = "Delete a container, then run the pinning check.")
    static final class Delete extends EventCommand {
        @Override
        ContainerEvent event(String containerId) {
            return checked(() -> new ContainerEvent.Deleted(containerId));
        }
    }
}
