package kata.pinning.cli.agent;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cli.StatusView;
import kata.pinning.config.KataConfig;
import kata.pinning.config.PinningPolicy;

/**
 * The node agent's entry point for the CLI: one pass over the node ({@link #once}), or the agent
 * that runs until the process ends ({@link #run}).
 */
public final class NodeAgent {

    /**
     * What the agent is told on its command line.
     *
     * @param procRoot where the host's procfs is mounted
     * @param sysfsRoot where the host's sysfs is mounted
     * @param config the Kata configuration, with its drop-ins
     * @param bundleDirs where the sandboxes' OCI bundles are, for their annotations
     * @param policy {@code --policy}, over the configuration's; null for the configuration's
     * @param vmms how a VMM process's vCPU threads are found
     * @param scanInterval how often the node is scanned for VMM processes
     * @param recheckInterval how often each sandbox's union and tasks are checked
     * @param listen where to serve {@code /metrics}, {@code /healthz} and {@code /readyz}; null for nowhere
     * @param jsonLog whether the log is one JSON object per line, rather than text
     * @param verbose whether to log every step, unchanged ones included
     */
    public record Options(Path procRoot, Path sysfsRoot, KataConfig config, List<Path> bundleDirs, PinningPolicy policy,
                          VmmOpener vmms, Duration scanInterval, Duration recheckInterval, InetSocketAddress listen,
                          boolean jsonLog, boolean verbose) {

        /** Checks the intervals and copies the list. */
        public Options {
            Objects.requireNonNull(procRoot, "procRoot");
            bundleDirs = List.copyOf(bundleDirs);
            if (scanInterval.isNegative() || scanInterval.isZero() || recheckInterval.isNegative() || recheckInterval.isZero()) {
                throw new IllegalArgumentException("the scan and re-check intervals must be positive, not "
                        + scanInterval + " and " + recheckInterval);
            }
        }
    }

    /**
     * What one pass over the node found and did, as {@code agent --once} prints it.
     *
     * @param sandboxes every VMM process found, by pid
     */
    public record Report(List<SandboxReport> sandboxes) {
    }

    /**
     * One VMM process of the pass.
     *
     * @param sandbox its sandbox id, or {@code -} for a VMM of no Kata sandbox
     * @param pid its process id
     * @param vmm its kind
     * @param source how its vCPU threads were found, or null when they were not
     * @param state what the agent does with it: {@code pinning}, {@code disabled}, {@code backed_off},
     *     {@code failed} or {@code not_kata}
     * @param problem why it is not pinning, or empty
     * @param status its status as {@code status --json} shows it, or null when it is not followed
     */
    public record SandboxReport(String sandbox, int pid, String vmm, String source, String state, String problem,
                                StatusView status) {
    }

    private NodeAgent() {
    }

    /**
     * Makes one pass over the node: every VMM process is taken over and gets its first step.
     *
     * @param options what the agent is told
     * @param log where the log lines go
     * @return what the pass found and did
     * @throws IOException if the proc root cannot be read
     */
    public static Report once(Options options, PrintWriter log) throws IOException {
        requireOwnPidNamespace(options.procRoot());
        try (Agent agent = new Agent(context(options, log))) {
            agent.scan(true);
            return new Report(agent.sandboxes().stream()
                    .sorted(Comparator.comparingInt(s -> s.process().pid()))
                    .map(NodeAgent::report)
                    .toList());
        }
    }

    /**
     * Runs the agent until the process ends. SIGTERM ends it at once and leaves every affinity as it is.
     *
     * @param options what the agent is told
     * @param log where the log lines go
     * @throws IOException if the proc root cannot be read, or the listen address cannot be bound
     */
    public static void run(Options options, PrintWriter log) throws IOException {
        requireOwnPidNamespace(options.procRoot());
        AgentContext context = context(options, log);
        Agent agent = new Agent(context);
        AgentServer server = options.listen() == null ? null
                : new AgentServer(options.listen(), context.metrics(), agent::ready);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            if (server != null) {
                server.close();
            }
            try {
                agent.close();
            } catch (IOException e) {
                // stopping anyway: nothing is undone
            }
            stopped.countDown();
        }));
        context.log().event("info", "started", null, 0, "watching " + options.procRoot()
                + (server == null ? "" : ", serving http://" + hostAndPort(server.address())));
        agent.start(options.scanInterval(), options.recheckInterval());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String hostAndPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    private static AgentContext context(Options options, PrintWriter log) {
        AgentLog.Format format = options.jsonLog() ? AgentLog.Format.JSON : AgentLog.Format.TEXT;
        return new AgentContext(options.procRoot(), options.sysfsRoot(), new PodSettings(options.config(), options.bundleDirs()),
                options.policy(), options.vmms(), ThreadAffinity.linux(), new AgentMetrics(),
                new AgentLog(log, format, Clock.systemUTC()), options.verbose());
    }

    private static SandboxReport report(ManagedSandbox sandbox) {
        VmmProcess process = sandbox.process();
        return new SandboxReport(process.sandboxId(), process.pid(), process.commandLine().kind().cliName(), sandbox.source(),
                sandbox.state().metricName(), sandbox.problem(), sandbox.status().map(StatusView::of).orElse(null));
    }

    /**
     * Checks that the proc root shows this process's own pid namespace: {@code sched_setaffinity}
     * takes thread ids as this namespace numbers them, so thread ids read from another namespace's
     * procfs would name other threads, or none.
     *
     * @param procRoot where the host's procfs is mounted
     * @throws IllegalArgumentException if it is another pid namespace's procfs, or no procfs
     */
    static void requireOwnPidNamespace(Path procRoot) {
        long own = ProcessHandle.current().pid();
        String self;
        try {
            self = Files.readSymbolicLink(procRoot.resolve("self")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("--proc " + procRoot + " is no procfs: it has no 'self' link");
        }
        if (!self.equals(Long.toString(own))) {
            throw new IllegalArgumentException("--proc " + procRoot + " is the procfs of another pid namespace (its self is "
                    + self + ", this process is " + own + "): thread affinities are set by this namespace's thread ids, "
                    + "so run the agent in the host's pid namespace (hostPID: true in Kubernetes)");
        }
    }
}
