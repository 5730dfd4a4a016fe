/**
 * Implementation of {@link kata.pinning.cgroup.SandboxCgroup} on the cgroup filesystem: parsing
 * {@code /proc/self/mountinfo}, choosing the cgroup v1 cpuset hierarchy or the cgroup v2 mount, and
 * the file writes of each version. Not exported: do not depend on it.
 */
package kata.pinning.cgroup.internal;
