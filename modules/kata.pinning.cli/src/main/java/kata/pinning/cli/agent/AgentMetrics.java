package kata.pinning.cli.agent;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The agent's Prometheus metrics, all named {@code kata_pinning_*}: sandboxes by state, vCPUs pinned
 * and floating, reconciles by result, reconcile latency, affinity set calls, and errors by cause.
 * The gauges are read from the sandboxes when scraped.
 */
final class AgentMetrics {

    /** The upper bounds of the reconcile latency histogram, in seconds: 100 µs to 2.5 s. */
    private static final double[] LATENCY_BOUNDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
        0.05, 0.1, 0.25, 0.5, 1, 2.5};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter reconciles;
    private final Histogram latency;
    private final Counter sets;
    private final Counter errors;

    private volatile Supplier<Collection<ManagedSandbox>> followed = List::of;

    AgentMetrics() {
        Supplier<Collection<ManagedSandbox>> sandboxes = () -> followed.get();
        GaugeWithCallback.builder()
                .name("kata_pinning_sandboxes")
                .help("VMM processes the agent follows, by state: pinning, disabled, backed_off, failed, not_kata")
                .labelNames("state")
                .callback(callback -> {
                    long[] count = new long[SandboxState.values().length];
                    sandboxes.get().forEach(s -> count[s.state().ordinal()]++);
                    for (SandboxState state : SandboxState.values()) {
                        callback.call(count[state.ordinal()], state.metricName());
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("kata_pinning_vcpus")
                .help("vCPUs of the sandboxes the agent places, by whether they have a CPU of their own (pinned) or not (floating)")
                .labelNames("state")
                .callback(callback -> {
                    long pinned = 0;
                    long floating = 0;
                    for (ManagedSandbox s : sandboxes.get()) {
                        pinned += s.vcpusPinned();
                        floating += s.vcpusFloating();
                    }
                    callback.call(pinned, "pinned");
                    callback.call(floating, "floating");
                })
                .register(registry);
        reconciles = Counter.builder()
                .name("kata_pinning_reconciles_total")
                .help("Steps of the sandboxes, by result: pinned, reset, unchanged, skipped, failed")
                .labelNames("result")
                .register(registry);
        latency = Histogram.builder()
                .name("kata_pinning_reconcile_seconds")
                .help("How long one step of a sandbox took, from the trigger to the last affinity set call")
                .unit(Unit.SECONDS)
                .classicOnly()
                .classicUpperBounds(LATENCY_BOUNDS)
                .register(registry);
        sets = Counter.builder()
                .name("kata_pinning_affinity_sets_total")
                .help("sched_setaffinity calls the agent made")
                .register(registry);
        errors = Counter.builder()
                .name("kata_pinning_errors_total")
                .help("Failures, by cause: vmm_query, foreign_thread, affinity, cgroup, config, vcpu_source")
                .labelNames("cause")
                .register(registry);
    }

    /**
     * Reads the gauges from these sandboxes from now on.
     *
     * @param sandboxes the sandboxes the agent follows now, read on each scrape
     */
    void follow(Supplier<Collection<ManagedSandbox>> sandboxes) {
        followed = sandboxes;
    }

    /** {@return the registry the {@code /metrics} endpoint serves} */
    PrometheusRegistry registry() {
        return registry;
    }

    /** Counts one step and its time. */
    void reconciled(Decision decision) {
        reconciles.labelValues(decision.decision()).inc();
        latency.observe(decision.durationNanos() / 1e9);
    }

    /** Counts one affinity set call. */
    void affinitySet() {
        sets.inc();
    }

    /**
     * Counts one failure.
     *
     * @param cause its cause, such as {@code VMM_QUERY}; written in lower case
     */
    void error(String cause) {
        errors.labelValues(cause.toLowerCase(Locale.ROOT)).inc();
    }
}
