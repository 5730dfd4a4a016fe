package kata.pinning;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import kata.pinning.cpuset.CpuSet;

/** A fake kernel, VMM and cgroup sharing one call log, and a sleeper that only records. */
final class FakeHost {

    final List<String> log = new ArrayList<>();
    final FakeKernel kernel = new FakeKernel(log);
    final FakeCgroup cgroup = new FakeCgroup(log);
    final FakeVmm vmm;
    final List<Duration> sleeps = new ArrayList<>();

    FakeHost(int vcpus) {
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

    /** {@return each vCPU thread's affinity, in vCPU index order} */
    List<CpuSet> vcpuAffinities() {
        return vmm.vcpusNow().stream().map(VcpuThread::threadId).map(kernel::affinityOf).toList();
    }

    /** {@return the log entries from position {@code from} on that set an affinity} */
    List<String> setsSince(int from) {
        return log.subList(from, log.size()).stream().filter(e -> e.startsWith("set ")).toList();
    }
}
