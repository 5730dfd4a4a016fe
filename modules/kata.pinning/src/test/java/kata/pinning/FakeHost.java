package kata.pinning;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import kata.pinning.config.CgroupConfig;
import kata.pinning.cpuset.CpuSet;

/**
 * A fake kernel, VMM and sandbox cgroup sharing one call log, and a sleeper that only records.
 * The VMM's threads run in the sandbox cgroup once the VMM process was moved in; every other
 * thread stays in the root cgroup.
 */
final class FakeHost {

    /** The values of the sandbox cgroup's parent: what the sandbox cgroup allows when no container constrains it. */
    static final CpuResources PARENT = new CpuResources(CpuSet.range(0, 6), CpuSet.range(0, 1));

    final List<String> log = new ArrayList<>();
    final FakeKernel kernel;
    final FakeCgroup cgroup;
    final FakeVmm vmm;
    final List<Duration> sleeps = new ArrayList<>();

    /** A host with a current kernel, whose sandbox cgroup is on cgroup v1. */
    FakeHost(int vcpus) {
        this(vcpus, FakeCgroup.Version.V1, FakeKernel.Generation.KEEPS_MASKS);
    }

    FakeHost(int vcpus, FakeCgroup.Version version, FakeKernel.Generation generation) {
        kernel = new FakeKernel(log, generation, this::cpusetOf);
        cgroup = new FakeCgroup(log, version, PARENT, kernel::cpusetChanged);
        vmm = new FakeVmm(kernel, vcpus);
    }

    /** {@return a builder wired to the fakes, with pinning enabled or not} */
    SandboxResources.Builder builder(boolean pinningEnabled) {
        return SandboxResources.builder()
                .vmm(vmm)
                .tasks(vmm::tasksOf)
                .affinity(kernel)
                .cgroup(cgroup)
                .sleeper(sleeps::add)
                .pinningEnabled(pinningEnabled);
    }

    /** {@return a builder as {@link #builder}, with an overhead cgroup: the VM start moves the VMM into the sandbox cgroup} */
    SandboxResources.Builder builderMovingVmmIn(boolean pinningEnabled) {
        return builder(pinningEnabled)
                .cgroupConfig(new CgroupConfig("kata_sandboxed_pod/fake", "kata_overhead/fake", false, pinningEnabled));
    }

    /** {@return each vCPU thread's affinity, in vCPU index order} */
    List<CpuSet> vcpuAffinities() {
        return vmm.vcpusNow().stream().map(VcpuThread::threadId).map(kernel::affinityOf).toList();
    }

    /** {@return the log entries from position {@code from} on that set an affinity} */
    List<String> setsSince(int from) {
        return log.subList(from, log.size()).stream().filter(e -> e.startsWith("set ")).toList();
    }

    /** {@return the CPUs of the sandbox cgroup if thread {@code tid} is in it, else null: the root cgroup} */
    private CpuSet cpusetOf(int tid) {
        boolean inSandbox = vmm != null && vmm.hasTask(tid) && cgroup.processes().contains(vmm.pid());
        return inSandbox ? cgroup.effectiveCpus() : null;
    }
}
