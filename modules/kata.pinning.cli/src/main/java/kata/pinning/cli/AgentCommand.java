package kata.pinning.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import kata.pinning.cli.agent.NodeAgent;
import kata.pinning.cli.agent.VmmOpener;
import kata.pinning.config.KataConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code agent}: pins every Kata sandbox of the node by itself, following each sandbox cgroup's union. */
@Command(name = "agent",
        description = {
            "Run the node agent: find every Kata sandbox's VMM under --proc, as discover does, follow the union of "
                    + "its containers' cpusets that the runtime writes into the sandbox cgroup's cpuset.cpus, and "
                    + "place its vCPU threads for it as the lifecycle commands do. Settings per sandbox: --config and "
                    + "its drop-ins, then the pod's annotations from its OCI bundle. It writes no cgroup file; it "
                    + "changes thread affinities only. SIGTERM ends it at once and leaves every affinity as it is.",
            "Global options it takes: --proc, --sysfs, --config, --policy, --vcpu-source (auto: thread names, else "
                    + "kvm; QMP only when asked, since the runtime holds the socket) and --verbose. docs/agent.md."},
        footerHeading = "%nJSON (--once --json):%n",
        footer = {
            "  {\"sandboxes\":[{\"sandbox\":\"<id>|-\", \"pid\":1234, \"vmm\":\"qemu\", \"source\":\"kvm|null\",",
            "                 \"state\":\"pinning|disabled|backed_off|failed|not_kata\", \"problem\":\"...\",",
            "                 \"status\":{...as status --json...}|null}]}"})
final class AgentCommand implements Callable<Integer> {

    /** Where containerd keeps the bundles of Kubernetes pods' sandboxes. */
    static final Path CONTAINERD_BUNDLES = Path.of("/run/containerd/io.containerd.runtime.v2.task/k8s.io");

    @ParentCommand
    private KataPinning root;

    @Spec
    private CommandSpec spec;

    @Option(names = "--scan-interval", paramLabel = "INTERVAL", defaultValue = "1s", converter = DurationOption.class,
            description = "how often the node is scanned for new and exited VMM processes (default: ${DEFAULT-VALUE})")
    private Duration scanInterval;

    @Option(names = "--recheck-interval", paramLabel = "INTERVAL", defaultValue = "1s", converter = DurationOption.class,
            description = "how often each sandbox's union and vCPU threads are re-checked, for hot-plugs and a missed "
                    + "cgroup event; makes no set call when nothing changed (default: ${DEFAULT-VALUE})")
    private Duration recheckInterval;

    @Option(names = "--bundle-dir", paramLabel = "DIR",
            description = "where the sandboxes' OCI bundles are, <DIR>/<sandbox id>/config.json, for the pod "
                    + "annotations; repeatable (default: " + "/run/containerd/io.containerd.runtime.v2.task/k8s.io)")
    private List<Path> bundleDirs = new ArrayList<>();

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = "serve /metrics (Prometheus), /healthz and /readyz over HTTP here, such as 127.0.0.1:9464")
    private String listen;

    @Option(names = "--once", description = "one pass over the node: print what was found and done, then exit")
    private boolean once;

    @Option(names = "--log-format", paramLabel = "json|text",
            description = "one JSON object per log line, or text (default: text on a terminal, else json)")
    private String logFormat;

    @Override
    public Integer call() throws IOException {
        GlobalOptions options = root.options();
        NodeAgent.Options agent;
        try {
            agent = new NodeAgent.Options(options.proc(), options.sysfs(), config(options),
                    bundleDirs.isEmpty() ? List.of(CONTAINERD_BUNDLES) : bundleDirs, options.policy(), opener(options),
                    scanInterval, recheckInterval, listen == null ? null : address(listen), jsonLog(), options.verbose());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        CliLoggerFinder.streaming(); // a command that never ends has nothing to hold warnings for
        try {
            if (once) {
                NodeAgent.Report report = NodeAgent.once(agent, spec.commandLine().getErr());
                root.output().print(report, () -> text(report));
            } else {
                NodeAgent.run(agent, spec.commandLine().getErr());
            }
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        return KataPinning.OK;
    }

    private static KataConfig config(GlobalOptions options) {
        return options.config() == null ? KataConfig.load() : KataConfig.load(options.config());
    }

    /** The CLI's choice of source for each VMM process: the kind and socket come from its command line. */
    private static VmmOpener opener(GlobalOptions options) {
        return (kind, pid, qmpSocket) -> {
            Path qmp = null;
            if (options.vcpuSource() == VcpuSource.QMP) {
                qmp = qmpSocket.orElseThrow(() -> new IOException(
                        kind.cliName() + " pid " + pid + " names no QMP socket on its command line, for --vcpu-source qmp"));
            }
            VmmConnection connection = VmmConnection.open(kind, pid, qmp, options.proc(), options.vcpuSource());
            return new VmmOpener.Opened(connection.vmm(), connection.vmm().source(), connection::close);
        };
    }

    private boolean jsonLog() {
        if (logFormat == null) {
            return System.console() == null;
        }
        return switch (logFormat) {
            case "json" -> true;
            case "text" -> false;
            default -> throw new IllegalArgumentException("--log-format " + logFormat + ": expected json or text");
        };
    }

    /** Reads {@code HOST:PORT}; the host may be an IPv6 address in brackets. */
    static InetSocketAddress address(String value) {
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "" : value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 0 || port > 65535) {
            throw new IllegalArgumentException("--listen " + value + ": expected HOST:PORT, such as 127.0.0.1:9464");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("--listen " + value + ": unknown host " + host);
        }
        return address;
    }

    private static String text(NodeAgent.Report report) {
        if (report.sandboxes().isEmpty()) {
            return "(no VMM process found)";
        }
        StringBuilder text = new StringBuilder(String.format("%-8s %-17s %-12s %-12s %-13s %s%n",
                "pid", "vmm", "sandbox", "source", "state", "decision or problem"));
        for (NodeAgent.SandboxReport s : report.sandboxes()) {
            String what = s.status() != null ? s.status().decision() + ": " + s.status().reason() : s.problem();
            text.append(String.format("%-8d %-17s %-12s %-12s %-13s %s%n", s.pid(), s.vmm(), s.sandbox(),
                    s.source() == null ? "-" : s.source(), s.state(), what));
        }
        return text.toString().stripTrailing();
    }
}
