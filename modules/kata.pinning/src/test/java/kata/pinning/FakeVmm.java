package kata.pinning;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import kata.pinning.cpuset.CpuSet;

/**
 * A VMM process on the {@link FakeKernel}: a main thread plus one thread per vCPU, with hot-plug,
 * unplug, and the ways a VMM can misreport its threads.
 */
final class FakeVmm implements Vmm {

    /** The affinity the VMM process starts with. */
    static final CpuSet OWN_AFFINITY = CpuSet.range(0, 7);

    private final FakeKernel kernel;
    private final int pid;
    private final Set<Integer> tasks = new HashSet<>();
    private final List<VcpuThread> reported = new ArrayList<>();
    private final Queue<List<VcpuThread>> scriptedAnswers = new ArrayDeque<>();
    private IOException failNextQuery;
    private int queries;

    FakeVmm(FakeKernel kernel, int vcpus) {
        this.kernel = kernel;
        this.pid = kernel.spawn(OWN_AFFINITY);
        tasks.add(pid);
        for (int i = 0; i < vcpus; i++) {
            plug();
        }
    }

    /** Hot-plugs a vCPU at the lowest free index; its new thread inherits the main thread's affinity. */
    VcpuThread plug() {
        int index = 0;
        while (indexTaken(index)) {
            index++;
        }
        int tid = kernel.spawn(kernel.affinityOf(pid));
        tasks.add(tid);
        VcpuThread vcpu = new VcpuThread(index, tid);
        reported.add(vcpu);
        return vcpu;
    }

    /** Hot-unplugs the vCPU at position {@code i} of {@link #vcpusNow()}; its thread exits. */
    void unplug(int i) {
        VcpuThread vcpu = vcpusNow().get(i);
        reported.remove(vcpu);
        if (reported.stream().noneMatch(v -> v.threadId() == vcpu.threadId())) {
            tasks.remove(vcpu.threadId());
            kernel.exit(vcpu.threadId());
        }
    }

    /** Reports a thread of another process for the vCPU at position {@code i}. */
    int reportForeignThread(int i) {
        int foreign = kernel.spawn(OWN_AFFINITY);
        VcpuThread vcpu = vcpusNow().get(i);
        reported.set(reported.indexOf(vcpu), new VcpuThread(vcpu.index(), foreign));
        return foreign;
    }

    /** Reports every vCPU on one thread, as QEMU with a single TCG thread does. */
    void reportOneSharedThread() {
        int shared = reported.getFirst().threadId();
        reported.replaceAll(v -> new VcpuThread(v.index(), shared));
    }

    /** Makes the next queries answer these lists, in order, before the real vCPUs again. */
    void answerNext(List<VcpuThread> answer) {
        scriptedAnswers.add(List.copyOf(answer));
    }

    void failNextQuery(IOException failure) {
        failNextQuery = failure;
    }

    /** Drops the scripted answers and the failure no query has consumed. */
    void clearFailures() {
        scriptedAnswers.clear();
        failNextQuery = null;
    }

    /** {@return the vCPUs as reported, by index} */
    List<VcpuThread> vcpusNow() {
        return reported.stream().sorted(Comparator.comparingInt(VcpuThread::index)).toList();
    }

    int queries() {
        return queries;
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public List<VcpuThread> vcpus() throws IOException {
        queries++;
        if (failNextQuery != null) {
            IOException failure = failNextQuery;
            failNextQuery = null;
            throw failure;
        }
        List<VcpuThread> scripted = scriptedAnswers.poll();
        return scripted != null ? scripted : List.copyOf(reported);
    }

    /** {@return whether {@code tid} is one of this VMM's threads now} */
    boolean hasTask(int tid) {
        return tasks.contains(tid);
    }

    /** {@return the fake kernel's task table: this VMM's threads, and no other process's} */
    Set<Integer> tasksOf(int process) {
        return process == pid ? Set.copyOf(tasks) : Set.of();
    }

    @Override
    public String toString() {
        return "fake VMM pid " + pid;
    }

    private boolean indexTaken(int index) {
        return reported.stream().anyMatch(v -> v.index() == index);
    }
}
