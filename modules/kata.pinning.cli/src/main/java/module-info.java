/**
 * The {@code kata-pinning} command ({@code bin/kata-pinning}): inspects and drives vCPU pinning on a
 * live VMM over QMP, and runs a self-contained demo with a real QEMU or an embedded VMM.
 *
 * <p>An application, not a library: it exports nothing. Run it with
 * {@code --enable-native-access=kata.pinning.affinity}.
 */
module kata.pinning.cli {
    requires kata.pinning; // SandboxResources, and through it the cpuset, affinity, QMP and config modules
    requires kata.pinning.launcher; // starts the demo's QEMU: KVM with -cpu host, else -cpu qemu64, else TCG
    requires info.picocli; // parses the command line into the command objects
    requires tools.jackson.databind; // --json output, and the embedded VMM's QMP messages
    requires io.prometheus.metrics.core; // the agent's metrics
    requires io.prometheus.metrics.model;
    requires io.prometheus.metrics.exporter.httpserver; // its /metrics handler
    requires jdk.httpserver; // the agent's /metrics, /healthz and /readyz

    // picocli injects options into the commands, Jackson reads the result records: both reflectively.
    opens kata.pinning.cli to info.picocli, tools.jackson.databind;
    opens kata.pinning.cli.agent to tools.jackson.databind; // the agent's --once report

    // Library log messages become one line on stderr, shown by level as --verbose says.
    provides java.lang.System.LoggerFinder with kata.pinning.cli.CliLoggerFinder;
}
