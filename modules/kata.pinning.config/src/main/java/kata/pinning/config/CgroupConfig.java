package kata.pinning.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The host cgroup settings of a sandbox, mirroring runtime-rs's {@code CgroupConfig}: the sandbox
 * cgroup that constrains the vCPU threads, the unconstrained overhead cgroup that takes the other
 * Kata threads unless {@code sandbox_cgroup_only} is set, and whether vCPU pinning is on.
 *
 * <p>Paths are relative to the cgroup hierarchy root, or systemd {@code slice:prefix:name} triples.
 * {@link KataConfig#cgroupConfig()} knows no sandbox yet, so its paths are the parents
 * {@value #SANDBOX_PARENT} and {@value #OVERHEAD_PARENT}; {@link #forSandbox(String, Optional)}
 * derives one sandbox's paths as runtime-rs does:
 * <ul>
 *   <li>sandbox: the OCI spec's {@code linux.cgroupsPath} without its leading slashes, or
 *       {@code kata_sandboxed_pod/<sandbox id>} when the spec gives none;</li>
 *   <li>overhead: {@code kata-overhead.slice:runtime-rs:<sandbox id>} when the sandbox path is a systemd
 *       triple, else {@code kata_overhead/<sandbox id>}.</li>
 * </ul>
 * runtime-rs also forces {@code sandbox_cgroup_only} on for Dragonball, whose VMM runs inside the
 * runtime process; so does {@link KataConfig}.
 *
 * @param sandboxPath        the sandbox cgroup, relative, or a systemd triple
 * @param overheadPath       the overhead cgroup, relative, or a systemd triple; unused when
 *                           {@code sandboxCgroupOnly} is set
 * @param sandboxCgroupOnly  whether every Kata thread lives in the sandbox cgroup
 * @param enableVcpusPinning whether vCPU threads are to be pinned one-to-one to the sandbox's CPUs
 * @since 0.1
 */
public record CgroupConfig(String sandboxPath, String overheadPath, boolean sandboxCgroupOnly,
                           boolean enableVcpusPinning) {

    /** The parent of sandbox cgroups when the OCI spec names none (runtime-rs's constant). */
    public static final String SANDBOX_PARENT = "kata_sandboxed_pod";
    /** The parent of overhead cgroups on cgroupfs (runtime-rs's constant). */
    public static final String OVERHEAD_PARENT = "kata_overhead";

    private static final String SYSTEMD_OVERHEAD_PREFIX = "kata-overhead.slice:runtime-rs:";

    /**
     * Checks the paths.
     *
     * @throws NullPointerException     if a path is null
     * @throws IllegalArgumentException if a path is empty, absolute, or has a {@code ..} segment
     */
    public CgroupConfig {
        checkPath("sandboxPath", sandboxPath);
        checkPath("overheadPath", overheadPath);
    }

    /**
     * Derives the cgroup paths of one sandbox, as runtime-rs does when it creates the sandbox.
     * The flags are kept.
     *
     * <p>runtime-rs uses an empty sandbox path (the hierarchy root) when the spec exists but has no
     * cgroups path; here a blank {@code ociCgroupsPath} counts as absent, so the sandbox never lands in
     * the root cgroup.
     *
     * @param sandboxId      the sandbox id (the pod sandbox's container id)
     * @param ociCgroupsPath the OCI spec's {@code linux.cgroupsPath}, if the spec has one
     * @return the sandbox's cgroup settings
     * @throws IllegalArgumentException if {@code sandboxId} is empty, {@code .} or {@code ..}, or holds
     *                                  {@code /} or {@code :}, or the resulting path is not acceptable
     */
    public CgroupConfig forSandbox(String sandboxId, Optional<String> ociCgroupsPath) {
        Objects.requireNonNull(sandboxId, "sandboxId");
        Objects.requireNonNull(ociCgroupsPath, "ociCgroupsPath");
        if (sandboxId.isEmpty() || sandboxId.equals(".") || sandboxId.equals("..")
                || sandboxId.indexOf('/') >= 0 || sandboxId.indexOf(':') >= 0) {
            throw new IllegalArgumentException("not a usable sandbox id: \"" + sandboxId + "\"");
        }
        String sandbox = ociCgroupsPath.map(p -> p.replaceFirst("^/+", ""))
                .filter(p -> !p.isBlank())
                .orElse(SANDBOX_PARENT + "/" + sandboxId);
        String overhead = isSystemdTriple(sandbox) ? SYSTEMD_OVERHEAD_PREFIX + sandboxId : OVERHEAD_PARENT + "/" + sandboxId;
        return new CgroupConfig(sandbox, overhead, sandboxCgroupOnly, enableVcpusPinning);
    }

    /**
     * {@return a copy with {@code enableVcpusPinning} replaced, as a pod annotation does}
     *
     * @param enabled the new value
     */
    public CgroupConfig withEnableVcpusPinning(boolean enabled) {
        return new CgroupConfig(sandboxPath, overheadPath, sandboxCgroupOnly, enabled);
    }

    /** The configuration-level settings, before any sandbox is known. */
    static CgroupConfig of(RuntimeConfig runtime) {
        // Dragonball's VMM is the runtime process itself, so it cannot live in an overhead cgroup.
        boolean sandboxOnly = runtime.sandboxCgroupOnly() || runtime.hypervisorName().equals("dragonball");
        return new CgroupConfig(SANDBOX_PARENT, OVERHEAD_PARENT, sandboxOnly, runtime.enableVcpusPinning());
    }

    /** runtime-rs's (cgroups-rs's) test: three colon-separated parts, the first ending in {@code .slice}. */
    private static boolean isSystemdTriple(String path) {
        String[] parts = path.split(":", -1);
        return parts.length == 3 && parts[0].endsWith(".slice");
    }

    private static void checkPath(String what, String path) {
        Objects.requireNonNull(path, what);
        if (path.isEmpty() || path.startsWith("/")) {
            throw new IllegalArgumentException(what + " must be a non-empty relative path: \"" + path + "\"");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                throw new IllegalArgumentException(what + " must not leave its hierarchy: \"" + path + "\"");
            }
        }
    }
}
