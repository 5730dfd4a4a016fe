package kata.pinning.cli.agent;

import kata.pinning.cli.discover.SandboxCommandLine;

/**
 * A VMM process the node scan found: its pid and start time, which together name it even after
 * the pid is recycled, and what its command line says.
 *
 * @param pid its process id
 * @param startTime its start time, from {@code stat}
 * @param commandLine its kind, sandbox id and QMP socket, as its command line shows them
 */
record VmmProcess(int pid, long startTime, SandboxCommandLine commandLine) {

    /** {@return whether it is the VMM of a Kata sandbox: only a VMM with a sandbox id is} */
    boolean isSandbox() {
        return commandLine.sandboxId().isPresent();
    }

    /** {@return the sandbox id, or {@code -} for a VMM that is no sandbox's} */
    String sandboxId() {
        return commandLine.sandboxId().orElse("-");
    }
}
