package kata.pinning.cli.agent;

import java.nio.file.Path;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.config.PinningPolicy;

/**
 * What every sandbox of the agent shares: where the host's procfs and sysfs are, how settings
 * and VMMs are found, the kernel's affinities, the metrics and the log.
 *
 * @param procRoot where the host's procfs is mounted
 * @param sysfsRoot where the host's sysfs is mounted
 * @param settings each sandbox's effective configuration
 * @param policy {@code --policy}, over the configuration's; null for the configuration's
 * @param vmms how a VMM process's vCPU threads are found
 * @param kernel the kernel's thread affinities
 * @param metrics the agent's metrics
 * @param log the agent's log
 * @param verbose whether to log every step, unchanged ones included
 */
record AgentContext(Path procRoot, Path sysfsRoot, PodSettings settings, PinningPolicy policy, VmmOpener vmms,
                    ThreadAffinity kernel, AgentMetrics metrics, AgentLog log, boolean verbose) {
}
