package kata.pinning.cli.agent;

/** What the agent does with a VMM process it found. */
enum SandboxState {
    /** Being looked at for the first time. */
    STARTING("starting"),
    /** Its vCPUs are placed for its union. */
    PINNING("pinning"),
    /** Its configuration or annotation turns pinning off: never touched. */
    DISABLED("disabled"),
    /** Another writer keeps changing its affinities: left alone. */
    BACKED_OFF("backed_off"),
    /** It cannot be followed (no vCPU source, no cgroup, a bad annotation); tried again later. */
    FAILED("failed"),
    /** A VMM with no sandbox id on its command line: no Kata sandbox, left alone. */
    NOT_KATA("not_kata");

    private final String metricName;

    SandboxState(String metricName) {
        this.metricName = metricName;
    }

    /** {@return the state's name in the metrics and in {@code --once}} */
    String metricName() {
        return metricName;
    }
}
