/**
 * The node agent, {@code kata-pinning agent}: finds every Kata sandbox's VMM under the proc root,
 * follows the union its runtime writes into the sandbox cgroup, and keeps one
 * {@link kata.pinning.SandboxResources} per sandbox placing its vCPU threads. It writes no cgroup
 * file; it changes thread affinities only.
 */
package kata.pinning.cli.agent;
