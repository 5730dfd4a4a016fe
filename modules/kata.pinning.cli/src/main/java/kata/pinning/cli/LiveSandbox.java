package kata.pinning.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import kata.pinning.HostTopology;
import kata.pinning.PinningException;
import kata.pinning.SandboxResources;
import kata.pinning.SandboxStatus;
import kata.pinning.cgroup.SandboxCgroup;
import kata.pinning.config.KataConfig;
import kata.pinning.config.PodConfig;
import kata.pinning.qmp.QmpClient;
import kata.pinning.qmp.QmpException;
import picocli.CommandLine;

/**
 * A sandbox on a live VMM for one invocation: reads the configuration, then, for a lifecycle
 * command, takes the {@link StateLock} of {@code --state}, reads the state file, opens the VMM
 * ({@link VmmConnection}: over QMP, or by its vCPU threads' names), restores the sandbox, applies
 * one operation, and rewrites the state file only if the operation succeeded. The lock is held
 * until {@link #close()}, after the QMP connection is closed, so the commands of one state file
 * run one after the other and each reads what the one before wrote. The state file records the
 * VMM kind; a later invocation with another {@code --vmm} is refused.
 *
 * <p>The command drives pinning only: the sandbox cgroup stays the runtime's
 * ({@link SandboxCgroup#none()}). The configuration and annotations decide the enable flag, and
 * {@code --policy} or the configuration the placement policy, when the state file is created;
 * afterwards both come from the state file.
 */
final class LiveSandbox implements AutoCloseable {

    /** How long to wait for the VMM's QMP greeting. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final VmmConnection vmm;
    private final SandboxResources sandbox;
    private final Path stateFile;
    private final Optional<StateFile.Saved> saved;
    /** Held by a command that rewrites the state file; null for {@code status}. */
    private final StateLock lock;

    private LiveSandbox(VmmConnection vmm, SandboxResources sandbox, Path stateFile, Optional<StateFile.Saved> saved,
            StateLock lock) {
        this.vmm = vmm;
        this.sandbox = sandbox;
        this.stateFile = stateFile;
        this.saved = saved;
        this.lock = lock;
    }

    /**
     * Opens the sandbox that {@code --vmm}, {@code --qmp}, {@code --pid} and {@code --state} name.
     *
     * @param options the global options
     * @param command the command, for usage errors
     * @param forUpdate whether the state file will be rewritten: its directory must be writable, and
     *     the command takes the state file's lock; {@code status} reads a file that is only ever
     *     replaced whole, so it needs no lock
     * @return the sandbox, connected; close it to disconnect and release the lock
     * @throws CommandLine.ParameterException if an option the command needs is missing
     * @throws BadInputException if the state file cannot be used, or is of another kind of VMM
     * @throws kata.pinning.config.ConfigException if the configuration or an annotation is bad
     * @throws IOException if the VMM cannot be reached or has no vCPU threads by name, or the lock
     *     cannot be taken, or another command holds it past {@code --lock-timeout}
     */
    static LiveSandbox open(GlobalOptions options, CommandLine command, boolean forUpdate) throws IOException {
        options.requirePid(command);
        Path state = options.requireState(command);
        Duration lockTimeout = options.requireLockTimeout(command);
        if (forUpdate) {
            StateFile.checkWritable(state);
        }
        PodConfig pod = podConfig(options);
        StateLock lock = forUpdate ? StateLock.acquire(state, lockTimeout) : null;
        VmmConnection vmm = null;
        try {
            Optional<StateFile.Saved> saved = StateFile.read(state); // under the lock: no other command writes now
            saved.ifPresent(s -> StateFile.checkVmm(state, s, options.vmm()));
            vmm = VmmConnection.open(options, command);
            SandboxResources.Builder builder = SandboxResources.builder()
                    .config(pod)
                    .policy(options.policyOf(pod).policy())
                    .cgroup(SandboxCgroup.none())
                    .vmm(vmm.vmm())
                    .procRoot(options.proc());
            if (pod.base().numa().enabled()) {
                builder.hostTopology(hostTopology(options));
            }
            SandboxResources sandbox = saved.isPresent() ? restore(builder, saved.get(), state) : builder.build();
            return new LiveSandbox(vmm, sandbox, state, saved, lock);
        } catch (IOException | RuntimeException e) {
            closeAll(vmm, lock, e);
            throw e;
        }
    }

    /**
     * Connects to a VMM's QMP socket; fails at once, rather than after the timeout, when there is
     * no socket at that path.
     *
     * @param socket the QMP socket
     * @return the connected client
     * @throws QmpException if the socket is missing, or connecting or the greeting fails
     */
    static QmpClient connect(Path socket) throws QmpException {
        if (!Files.exists(socket)) {
            throw new QmpException("no QMP socket at " + socket + ": is the VMM running?");
        }
        return QmpClient.connect(socket, CONNECT_TIMEOUT);
    }

    /**
     * Loads the Kata configuration ({@code --config}, else Kata's search order) and applies the
     * {@code --annotation}s.
     *
     * @param options the global options
     * @return the pod's effective configuration
     * @throws kata.pinning.config.ConfigException if the configuration or an annotation is bad
     */
    static PodConfig podConfig(GlobalOptions options) {
        KataConfig config = options.config() == null ? KataConfig.load() : KataConfig.load(options.config());
        return config.forPod(options.annotations());
    }

    private static SandboxResources restore(SandboxResources.Builder builder, StateFile.Saved saved, Path state) {
        try {
            return builder.restore(saved.sandboxJson());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("the state file " + state + " does not hold a sandbox: " + e.getMessage(), e);
        }
    }

    /** Reads the host's NUMA nodes under {@code --sysfs}, before a new or restored sandbox needs them. */
    private static HostTopology hostTopology(GlobalOptions options) {
        try {
            return HostTopology.load(options.sysfs());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--sysfs " + options.sysfs() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Applies an operation and, if it succeeds, persists the sandbox.
     *
     * @param operation what to do, such as {@link SandboxResources#vmStarted()}
     * @return the status after it
     * @throws BadInputException if the operation refused its input, such as an unknown container
     * @throws PinningException if the operation failed, and the state file is unchanged; or if the
     *     status query after it failed, once the state file holds the operation's result
     * @throws IOException if the state file cannot be written
     */
    StatusView apply(Consumer<SandboxResources> operation) throws IOException {
        try {
            operation.accept(sandbox);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new BadInputException(Failures.describe(e), e);
        }
        // Persist before the status query: should that query fail, the file still matches the kernel.
        StateFile.write(stateFile, new StateFile.Saved(sandbox.persist(),
                StatusView.decisionOf(sandbox.lastOutcome()), sandbox.lastReason(), vmm.vmm().kind(), vmm.vmm().source()));
        return StatusView.of(sandbox.status());
    }

    /**
     * Runs a lifecycle command: opens the sandbox, applies the operation, persists it and prints the
     * status after it.
     *
     * @param root the top command, for the options and the output
     * @param command the lifecycle command, for usage errors
     * @param operation what to do to the sandbox
     * @return {@link KataPinning#OK}; failures are exceptions, which {@link Failures} reports
     * @throws IOException if the VMM cannot be reached, or the state file cannot be locked or written
     */
    static int run(KataPinning root, CommandLine command, Consumer<SandboxResources> operation) throws IOException {
        try (LiveSandbox sandbox = open(root.options(), command, true)) {
            StatusView view = sandbox.apply(operation);
            root.output().print(view, view::toText);
        }
        return KataPinning.OK;
    }

    /**
     * {@return the status, with the decision saved in the state file while no check has run in
     * this invocation}
     */
    StatusView status() {
        SandboxStatus status = sandbox.status();
        if (status.lastOutcome() == SandboxStatus.Outcome.NONE && saved.isPresent()) {
            return StatusView.of(status, saved.get().decision(), saved.get().reason());
        }
        return StatusView.of(status);
    }

    /** Disconnects, then releases the lock: the next command finds the QMP socket free. */
    @Override
    public void close() throws IOException {
        closeAll(vmm, lock, null);
    }

    /** Closes the VMM, then the lock, either of them possibly null, adding failures to {@code failure}. */
    private static void closeAll(VmmConnection vmm, StateLock lock, Exception failure) throws IOException {
        if (vmm != null) {
            vmm.close();
        }
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
        }
    }
}
