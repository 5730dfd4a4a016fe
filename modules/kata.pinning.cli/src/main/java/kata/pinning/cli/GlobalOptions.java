package kata.pinning.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import kata.pinning.VmmKind;
import kata.pinning.config.PinningPolicy;
import kata.pinning.config.PodConfig;
import kata.pinning.config.PolicySetting;
import picocli.CommandLine;

/**
 * The options given before the command, as parsed.
 *
 * @param vmm the kind of VMM, {@link VmmKind#QEMU} unless {@code --vmm} says otherwise
 * @param qmp QEMU's QMP socket, or null to find the vCPU threads by name
 * @param pid the VMM's process id, or null
 * @param proc where procfs is mounted, {@code /proc} unless {@code --proc} says otherwise
 * @param config the Kata configuration file, or null for Kata's search order
 * @param annotations the pod annotations; the last value given for a key wins
 * @param state the sandbox state file, or null
 * @param json whether output is one JSON document
 * @param verbose whether to show stack traces and debug logs
 * @param lockTimeoutSeconds how long a lifecycle command waits for the state file's lock
 * @param policy the {@code --policy} of a new sandbox, or null to take the configuration's
 * @param sysfs where the host's sysfs is mounted
 * @param vcpuSource how the VMM's vCPU threads are found, {@link VcpuSource#AUTO} unless {@code --vcpu-source} says
 */
record GlobalOptions(VmmKind vmm, Path qmp, Integer pid, Path proc, Path config, Map<String, String> annotations,
        Path state, boolean json, boolean verbose, int lockTimeoutSeconds, PinningPolicy policy, Path sysfs,
        VcpuSource vcpuSource) {

    /**
     * {@return the VMM process id}
     *
     * @param command the command that needs it, for the usage error
     * @throws CommandLine.ParameterException if {@code --pid} was not given, or names no process
     *     under the proc root
     */
    int requirePid(CommandLine command) {
        if (pid == null || pid <= 0) {
            throw new CommandLine.ParameterException(command,
                    "this command needs the VMM's process id (a positive number): give --pid PID before the command");
        }
        if (!Files.isDirectory(proc.resolve(Integer.toString(pid)))) {
            throw new CommandLine.ParameterException(command, "--pid " + pid + ": no such process under " + proc);
        }
        return pid;
    }

    /**
     * {@return the placement policy and its source: {@code --policy} over the configuration's}
     *
     * @param pod the pod's configuration
     */
    PolicySetting policyOf(PodConfig pod) {
        return policy != null ? PolicySetting.flag(policy) : pod.base().policy();
    }

    /**
     * {@return the state file}
     *
     * @param command the command that needs it, for the usage error
     * @throws CommandLine.ParameterException if {@code --state} was not given
     */
    Path requireState(CommandLine command) {
        if (state == null) {
            throw new CommandLine.ParameterException(command,
                    "this command keeps the sandbox in a state file: give --state FILE before the command");
        }
        return state;
    }

    /**
     * {@return how long to wait for the state file's lock}
     *
     * @param command the command that needs it, for the usage error
     * @throws CommandLine.ParameterException if {@code --lock-timeout} is negative
     */
    Duration requireLockTimeout(CommandLine command) {
        if (lockTimeoutSeconds < 0) {
            throw new CommandLine.ParameterException(command,
                    "--lock-timeout " + lockTimeoutSeconds + ": the wait for the state file's lock must be 0 seconds or more");
        }
        return Duration.ofSeconds(lockTimeoutSeconds);
    }
}
