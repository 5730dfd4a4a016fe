package kata.pinning.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import kata.pinning.VmmKind;
import kata.pinning.config.PinningPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code kata-pinning} command: its global options, its subcommands, and how a failure becomes an
 * exit code and one line on stderr.
 *
 * <p>Exit codes: {@value #OK} success; {@value #FAILED} the operation failed (nothing was persisted);
 * {@value #BAD_INPUT} bad input or usage (nothing was touched). Stack traces appear only with
 * {@code --verbose}.
 */
@Command(name = "kata-pinning",
        mixinStandardHelpOptions = true,
        versionProvider = KataPinning.Version.class,
        usageHelpAutoWidth = false,
        sortOptions = false,
        description = {
            "Inspect and drive vCPU pinning of a VM sandbox: QEMU, Cloud Hypervisor, Firecracker, Dragonball or OpenVMM.",
            "Each vCPU thread is pinned to one host CPU while the sandbox has as many vCPUs as its "
                    + "containers' cpusets have CPUs; otherwise every vCPU thread may run on the whole union "
                    + "(Kata Containers' enable_vcpus_pinning)."},
        subcommands = {
            CpusetCommand.class,
            ConfigCommand.class,
            InspectCommand.class,
            DiscoverCommand.class,
            AgentCommand.class,
            VmStartedCommand.class,
            ContainerCommand.class,
            StatusCommand.class,
            DemoCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the operation failed; the state file is left as it was",
            "2:bad input or usage (bad cpulist, bad TOML, bad annotation value, unknown container); nothing changed"})
public final class KataPinning implements Runnable {

    /** Exit code of a command that did what it was asked. */
    public static final int OK = 0;
    /** Exit code of an operation that failed, for example a QMP or affinity error. */
    public static final int FAILED = 1;
    /** Exit code for bad input or usage; nothing was changed. */
    public static final int BAD_INPUT = 2;

    @Spec
    private CommandSpec spec;

    @Option(names = "--vmm", paramLabel = "KIND", order = 0, defaultValue = "qemu", converter = VmmKindOption.class,
            description = "the VMM: qemu|cloud-hypervisor|firecracker|dragonball|openvmm (default: ${DEFAULT-VALUE}); "
                    + "all but QEMU over --qmp are found by their vCPU threads' names (docs/vmms.md)")
    private VmmKind vmm;

    @Option(names = "--qmp", paramLabel = "PATH", order = 1,
            description = "QMP UNIX socket of QEMU (for Kata: the sandbox's qmp.sock); without it, QEMU's vCPU "
                    + "threads are found by name, which needs QEMU started with -name <name>,debug-threads=on")
    private Path qmp;

    @Option(names = "--vcpu-source", paramLabel = "SOURCE", order = 1, defaultValue = "auto", converter = VcpuSource.Option.class,
            description = "how vCPU threads are found: auto|qmp|thread-names|kvm (default: ${DEFAULT-VALUE}: QMP when "
                    + "--qmp is given, else thread names when the VMM has them, else kvm, its kvm-vcpu fds and its "
                    + "threads in KVM_RUN; docs/vmms.md)")
    private VcpuSource vcpuSource;

    @Option(names = "--pid", paramLabel = "PID", order = 2,
            description = "VMM process id (for Dragonball: the runtime-rs shim's); every vCPU thread must be a task "
                    + "of this process")
    private Integer pid;

    @Option(names = "--proc", paramLabel = "DIR", order = 2, defaultValue = "/proc",
            description = "where the host's procfs is mounted, for example /host/proc in a container "
                    + "(default: ${DEFAULT-VALUE})")
    private Path proc;

    @Option(names = "--config", paramLabel = "FILE", order = 3,
            description = "Kata configuration TOML (default: Kata's search order, with config.d/ drop-ins)")
    private Path config;

    @Option(names = "--annotation", paramLabel = "K=V", order = 4,
            description = "pod annotation, repeatable (io.katacontainers.config.runtime.enable_vcpus_pinning=true)")
    private Map<String, String> annotations = new LinkedHashMap<>();

    @Option(names = "--state", paramLabel = "FILE", order = 5,
            description = "sandbox state (JSON); created when absent, read and rewritten by every lifecycle command")
    private Path state;

    @Option(names = "--policy", paramLabel = "exact|fit", order = 6, converter = PolicyOption.class,
            description = "placement policy of a new sandbox, over runtime.vcpus_pinning_policy (default: exact)")
    private PinningPolicy policy;

    @Option(names = "--sysfs", paramLabel = "DIR", order = 7,
            description = "where the host's sysfs is mounted, for its NUMA nodes and CPUs (default: /sys)")
    private Path sysfs = Path.of("/sys");

    @Option(names = "--json", order = 8, description = "machine-readable output on stdout (one JSON document)")
    private boolean json;

    @Option(names = "--verbose", order = 9, description = "stack traces and debug logging")
    private boolean verbose;

    @Option(names = "--lock-timeout", paramLabel = "SECONDS", order = 10, defaultValue = "30",
            description = "how long vm-started and container wait while another command holds the lock of the "
                    + "--state file (default: ${DEFAULT-VALUE})")
    private int lockTimeout;

    private KataPinning() {
    }

    /**
     * Runs the command and exits the JVM with its exit code.
     *
     * @param args the command line, global options first
     */
    public static void main(String... args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs the command with the given streams, without exiting.
     *
     * @param out where results go
     * @param err where errors go
     * @param args the command line
     * @return the exit code: {@link #OK}, {@link #FAILED} or {@link #BAD_INPUT}
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return commandLine(out, err).execute(args);
    }

    /** Builds the command tree with the exit-code policy of this command. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        KataPinning root = new KataPinning();
        CommandLine cli = new CommandLine(root);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionStrategy(parsed -> {
            CliLoggerFinder.configure(root.verbose);
            int exitCode = new CommandLine.RunLast().execute(parsed); // a failure throws past the next line
            CliLoggerFinder.commandSucceeded();
            return exitCode;
        });
        cli.setParameterExceptionHandler(Failures::usage);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> Failures.execution(e, commandLine, root.verbose));
        addHelpOption(cli);
        return cli;
    }

    /** Gives every subcommand {@code -h, --help}, as the top command has from its standard options. */
    private static void addHelpOption(CommandLine command) {
        for (CommandLine sub : command.getSubcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            if (spec.findOption("--help") == null && !(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help")
                        .usageHelp(true).description("Show this help message and exit.").build());
            }
            addHelpOption(sub);
        }
    }

    /** Without a subcommand there is nothing to do: a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** {@return the global options, read-only} */
    GlobalOptions options() {
        return new GlobalOptions(vmm, qmp, pid, proc, config, Map.copyOf(annotations), state, json, verbose, lockTimeout,
                policy, sysfs, vcpuSource);
    }

    /** {@return where the command prints its result, as text or JSON per {@code --json}} */
    Output output() {
        return new Output(spec.commandLine().getOut(), json);
    }

    /** Reads {@code --policy}: one line naming the option and the allowed values when it is neither. */
    static final class PolicyOption implements CommandLine.ITypeConverter<PinningPolicy> {
        @Override
        public PinningPolicy convert(String value) {
            try {
                return PinningPolicy.fromConfigName(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The version shown by {@code --version}: the module's, as Maven recorded it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = KataPinning.class.getModule().getDescriptor() == null ? null
                    : KataPinning.class.getModule().getDescriptor().rawVersion().orElse(null);
            return new String[] {"kata-pinning " + (version == null ? "(development build)" : version)};
        }
    }
}
