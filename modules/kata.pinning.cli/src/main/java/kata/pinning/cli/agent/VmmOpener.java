package kata.pinning.cli.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import kata.pinning.Vmm;
import kata.pinning.VmmKind;

/** Opens a VMM process as {@code --vcpu-source} says: the CLI's own choice of source, handed to the agent. */
@FunctionalInterface
public interface VmmOpener {

    /**
     * A VMM that was opened, and how.
     *
     * @param vmm the VMM
     * @param source how its vCPU threads are found, such as {@code kvm}
     * @param close what to run when it is forgotten, such as closing its QMP connection
     */
    record Opened(Vmm vmm, String source, Runnable close) {
    }

    /**
     * Opens a VMM process.
     *
     * @param kind the VMM's kind, from its command line
     * @param pid its process id
     * @param qmpSocket its QMP socket, as its command line names it
     * @return the VMM
     * @throws IOException if no source finds its vCPU threads; the message says why
     */
    Opened open(VmmKind kind, int pid, Optional<Path> qmpSocket) throws IOException;
}
