package kata.pinning.cli.agent;

/**
 * One decision of one sandbox, as the log and the metrics record it.
 *
 * @param sandbox the sandbox id
 * @param pid the VMM's pid
 * @param union the union the step placed the vCPUs for, as a cpulist
 * @param policy the placement policy
 * @param decision {@code pinned}, {@code reset}, {@code unchanged}, {@code skipped} or {@code failed}
 * @param reason why
 * @param trigger what started the step: {@code found}, {@code cgroup} or {@code recheck}
 * @param sets how many affinity set calls the step made
 * @param durationNanos how long the step took
 */
record Decision(String sandbox, int pid, String union, String policy, String decision, String reason, String trigger,
                long sets, long durationNanos) {
}
