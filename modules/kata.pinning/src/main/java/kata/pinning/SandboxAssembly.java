package kata.pinning;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.function.IntFunction;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cgroup.SandboxCgroup;
import kata.pinning.config.CgroupConfig;
import kata.pinning.config.NumaConfig;
import kata.pinning.config.PinningPolicy;
import kata.pinning.config.PodConfig;
import kata.pinning.internal.GuestNodes;
import kata.pinning.internal.SandboxSettings;
import kata.pinning.internal.SandboxSnapshot;
import kata.pinning.internal.Sleeper;
import kata.pinning.internal.SnapshotJson;

/**
 * What a {@link SandboxResources.Builder} was told, and how it becomes a {@link Sandbox}: every
 * setting is resolved here, in {@link #build()} or {@link #restore}, with one fixed precedence
 * (explicit setter, then the cgroup configuration, then the pod configuration, then the default),
 * so the order of the builder's calls never matters.
 */
final class SandboxAssembly {

    Vmm vmm;
    Path procRoot = HostView.DEFAULT_PROC_ROOT;
    ThreadAffinity affinity;
    IntFunction<Set<Integer>> tasks;
    SandboxCgroup cgroup;
    CgroupConfig cgroupConfig;
    PodConfig pod;
    Boolean pinningEnabled;
    PinningPolicy policy;
    NumaConfig numa;
    Integer defaultVcpus;
    Path sysfsRoot = Path.of("/sys");
    HostTopology topology;
    Sleeper sleeper = Sleeper.THREAD_SLEEP;

    /** A new sandbox, with the settings resolved from what the builder was told. */
    Sandbox build() {
        SandboxSettings settings = settings();
        return new Sandbox(wiring(), settings, guestNodes(settings.numa()), SandboxSnapshot.NEW);
    }

    /** A sandbox of a VM that runs already, taken over from the kernel. */
    Sandbox running() {
        SandboxSettings settings = settings();
        return Sandbox.running(wiring(), settings, guestNodes(settings.numa()));
    }

    /** A persisted sandbox: its settings are the persisted ones; the builder's fill in what version 1 lacks. */
    Sandbox restore(String json) {
        SnapshotJson.Persisted saved = SnapshotJson.read(json, settings());
        return Sandbox.restore(wiring(), saved, guestNodes(saved.settings().numa()));
    }

    /** {@return the settings: each explicit setter, else the cgroup configuration, else the pod's, else the default} */
    SandboxSettings settings() {
        CgroupConfig layout = cgroupLayout();
        SandboxSettings defaults = SandboxSettings.DEFAULTS;
        return new SandboxSettings(
                pinningEnabled != null ? pinningEnabled : layout != null ? layout.enableVcpusPinning() : defaults.pinningEnabled(),
                policy != null ? policy : pod != null ? pod.base().policy().policy() : defaults.policy(),
                numa != null ? numa : pod != null ? pod.base().numa() : defaults.numa(),
                defaultVcpus != null ? defaultVcpus : pod != null ? pod.defaultVcpus() : defaults.defaultVcpus());
    }

    /** {@return the VMM, the host view, the cgroup and how the step waits, built once} */
    Sandbox.Wiring wiring() {
        if (vmm == null) {
            throw new IllegalStateException("no VMM: call vmm(vmm) or qemu(qmpClient, pid) first");
        }
        CgroupConfig layout = cgroupLayout();
        SandboxCgroup sandboxCgroup = cgroup != null ? cgroup
                : layout != null ? SandboxCgroup.cgroupfs(layout.sandboxPath())
                : SandboxCgroup.none();
        ThreadAffinity threads = affinity != null ? affinity : ThreadAffinity.linux();
        HostView host = tasks == null ? HostView.of(procRoot, threads)
                : HostView.withTasks(procRoot, threads, pid -> listing(pid, tasks.apply(pid)));
        return new Sandbox.Wiring(vmm, host, sandboxCgroup, new VcpuFetch(sleeper),
                layout != null && !layout.sandboxCgroupOnly());
    }

    /** The cgroup configuration given on its own beats the pod's. */
    private CgroupConfig cgroupLayout() {
        return cgroupConfig != null ? cgroupConfig : pod != null ? pod.cgroupConfig() : null;
    }

    /** The guest nodes when NUMA is on; the host topology is read only then. */
    private GuestNodes guestNodes(NumaConfig settings) {
        if (!settings.enabled()) {
            return GuestNodes.NONE;
        }
        return GuestNodes.of(topology != null ? topology : HostTopology.load(sysfsRoot), settings.mapping());
    }

    /** A fake kernel's tasks as a listing: thread ids in creation order, which is numeric order there. */
    private static TaskListing listing(int pid, Set<Integer> tids) {
        int[] sorted = tids.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(sorted);
        return sorted.length == 0 ? TaskListing.empty(pid) : TaskListing.of(pid, sorted, 0);
    }
}
