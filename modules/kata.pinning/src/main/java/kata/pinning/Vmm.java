package kata.pinning;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import kata.pinning.internal.KvmVmm;
import kata.pinning.internal.ProcTasks;
import kata.pinning.internal.QemuVmm;
import kata.pinning.internal.Sleeper;
import kata.pinning.internal.ThreadNameVmm;
import kata.pinning.qmp.QmpClient;

/**
 * A running VMM, as vCPU pinning sees it: a process and its vCPU threads.
 *
 * <p>Implement it to plug in a VMM of your own; {@link SandboxResources.Builder#vmm(Vmm)} takes any
 * implementation. Nothing it reports is trusted: before any affinity changes, every thread id is
 * checked against the tasks of {@link #pid()} under the proc root
 * ({@link SandboxResources.Builder#procRoot}), so a VMM cannot make the caller, typically root,
 * change the affinity of a thread that is not its own.
 *
 * <pre>{@code
 * Vmm qemu = Vmm.qemu(qmpClient, qemuPid);              // query-cpus-fast over QMP
 * Vmm clh = Vmm.threadNames(VmmKind.CLOUD_HYPERVISOR, clhPid, Path.of("/proc")); // threads vcpu<N>
 * Vmm any = Vmm.kvm(VmmKind.FIRECRACKER, fcPid, Path.of("/proc")); // kvm-vcpu fds and KVM_RUN
 * SandboxResources sandbox = SandboxResources.builder().vmm(qemu).build();
 * }</pre>
 *
 * @since 0.2
 */
public interface Vmm {

    /** {@return the VMM's process id, greater than 0} */
    int pid();

    /**
     * Asks the VMM for its vCPUs and their host threads.
     *
     * @return the vCPUs, in any order
     * @throws IOException if the VMM cannot be asked
     */
    List<VcpuThread> vcpus() throws IOException;

    /**
     * Asks the VMM for its vCPUs during one step of a sandbox, with the VMM's tasks as that step
     * listed them: the same listing the foreign-thread check then uses. The built-in VMMs reuse
     * their last answer while the listing shows the same threads ({@link TaskListing#sameThreads}),
     * so a re-check with nothing changed costs no round trip. Unless overridden, it asks
     * {@link #vcpus()}.
     *
     * @param tasks the VMM process's tasks, listed just before this call
     * @return the vCPUs, in any order
     * @throws IOException if the VMM cannot be asked
     * @since 0.2
     */
    default List<VcpuThread> vcpus(TaskListing tasks) throws IOException {
        return vcpus();
    }

    /**
     * {@return the kind of VMM, such as {@code qemu} or {@code cloud-hypervisor}; {@code custom}
     * unless an implementation says otherwise} The CLI records it in its state file.
     */
    default String kind() {
        return "custom";
    }

    /**
     * {@return how the vCPU threads are found, such as {@code qmp} or {@code thread-names};
     * {@code custom} unless an implementation says otherwise}
     */
    default String source() {
        return "custom";
    }

    /**
     * Returns QEMU seen through its QMP socket: {@code query-cpus-fast} (or {@code query-cpus} on a
     * QEMU that lacks it), with each vCPU's {@code props.node-id} as its guest NUMA node. The
     * connection stays the caller's to close. Within a sandbox the answer is reused while the
     * step's listing of QEMU's tasks ({@link #vcpus(TaskListing)}) shows the same threads, whatever
     * proc root the sandbox reads; a closed connection is opened again once per query.
     *
     * @param qmp a connected QMP client
     * @param pid QEMU's process id
     * @return the VMM
     * @throws IllegalArgumentException if {@code pid <= 0}
     */
    static Vmm qemu(QmpClient qmp, int pid) {
        return qemu(qmp, pid, Path.of("/proc"));
    }

    /**
     * As {@link #qemu(QmpClient, int)}, with procfs mounted elsewhere (such as {@code /host/proc}
     * in a node agent's container): the root of the task listing that {@link #vcpus()} takes for
     * itself when called outside a sandbox. A sandbox hands its own listing to {@link #vcpus(TaskListing)}.
     *
     * @param qmp      a connected QMP client
     * @param pid      QEMU's process id
     * @param procRoot where the host's procfs is mounted
     * @return the VMM
     * @throws IllegalArgumentException if {@code pid <= 0}
     */
    static Vmm qemu(QmpClient qmp, int pid, Path procRoot) {
        return new QemuVmm(qmp, pid, procRoot);
    }

    /**
     * Returns a VMM whose vCPU threads are found by their names, {@code comm} under
     * {@code <procRoot>/<pid>/task}, as {@link VmmKind} lists them: for QEMU started with
     * {@code -name <name>,debug-threads=on}, Cloud Hypervisor, Firecracker, Dragonball and OpenVMM.
     * It needs no connection to the VMM, so it works while the runtime holds the QMP socket.
     *
     * <p>A name must match the kind's whole pattern ({@code vcpu_x} and {@code vcpu12abc} are not
     * vCPUs); only tasks of {@code pid} are looked at; a thread that exits during the scan is left
     * out; two threads claiming one index make {@link #vcpus()} throw an {@link IOException} naming
     * both. {@link #kind()} is the kind's {@linkplain VmmKind#cliName() CLI name} and
     * {@link #source()} is {@code thread-names}. The guest NUMA node is never known.
     *
     * @param kind which VMM, and so which names
     * @param pid the VMM's process id; for Dragonball, the runtime-rs shim's
     * @param procRoot where procfs is mounted, {@code /proc} on the host
     * @return the VMM
     * @throws IllegalArgumentException if {@code pid <= 0}
     */
    static Vmm threadNames(VmmKind kind, int pid, Path procRoot) {
        return new ThreadNameVmm(kind, pid, new ProcTasks(procRoot));
    }

    /**
     * Returns a KVM VMM whose vCPU threads are found from the kernel, with no connection and no
     * thread names: on a production Kata node, where QEMU has no {@code debug-threads} and the
     * runtime holds its one QMP socket, this is the way in. Works the same for every {@link VmmKind}.
     *
     * <p>The vCPUs are the fds of {@code pid} whose link under {@code <procRoot>/<pid>/fd} is
     * {@code anon_inode:kvm-vcpu:<N>}. A thread that
     * {@code <procRoot>/<pid>/task/<tid>/syscall} shows inside {@code ioctl(fd, KVM_RUN)} on vCPU
     * {@code N}'s fd runs vCPU {@code N}; kernel workers ({@code PF_KTHREAD}, {@code PF_USER_WORKER}
     * in {@code stat}, such as {@code kvm-nx-lpage-recovery}) never count. A vCPU that stays in guest
     * code reads {@code running} instead, so the tasks are sampled for up to
     * {@link #kvm(VmmKind, int, Path, Duration) a window} (200 ms here); when one vCPU and one
     * thread that was running at every sample are left, they are paired.
     *
     * <p>{@link #vcpus()} throws an {@link IOException} with a one-line message when the VMM has no
     * KVM vCPU (TCG), when no thread is in {@code KVM_RUN} (the VM is paused), when vCPUs stayed busy
     * and could not be told apart (naming them and what the unmatched threads were doing), when two
     * threads claim one vCPU, and when the caller may not read the task's {@code syscall}, which
     * needs {@code CAP_SYS_PTRACE}. A thread that exits during the scan is left out. The answer is
     * reused while the step's task listing shows the same threads ({@link #vcpus(TaskListing)}); a
     * hot-plugged vCPU starts a thread, so the next check finds it. {@link #kind()} is the kind's
     * {@linkplain VmmKind#cliName() CLI name} and {@link #source()} is {@code kvm}. The guest NUMA
     * node is never known.
     *
     * @param kind which VMM; only its name is used
     * @param pid the VMM's process id; for Dragonball, the runtime-rs shim's
     * @param procRoot where procfs is mounted, {@code /proc} on the host
     * @return the VMM
     * @throws IllegalArgumentException if {@code pid <= 0}
     * @since 0.2
     */
    static Vmm kvm(VmmKind kind, int pid, Path procRoot) {
        return kvm(kind, pid, procRoot, KvmVmm.DEFAULT_WINDOW);
    }

    /**
     * As {@link #kvm(VmmKind, int, Path)}, sampling the tasks for up to {@code window} before
     * deciding: longer for a guest whose vCPUs seldom halt. A scan ends early once every vCPU has
     * its thread, which for an idle guest is the first look.
     *
     * @param kind which VMM; only its name is used
     * @param pid the VMM's process id
     * @param procRoot where procfs is mounted, {@code /proc} on the host
     * @param window how long a scan may sample; zero for one look
     * @return the VMM
     * @throws IllegalArgumentException if {@code pid <= 0} or {@code window} is negative
     * @since 0.2
     */
    static Vmm kvm(VmmKind kind, int pid, Path procRoot, Duration window) {
        return new KvmVmm(kind, pid, procRoot, window, Sleeper.THREAD_SLEEP);
    }
}
