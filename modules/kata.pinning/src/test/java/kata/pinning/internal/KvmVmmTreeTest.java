package kata.pinning.internal;

import static kata.pinning.internal.ProcTree.FUTEX;
import static kata.pinning.internal.ProcTree.RUNNING;
import static kata.pinning.internal.ProcTree.inKvmRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import kata.pinning.TaskListing;
import kata.pinning.VcpuThread;
import kata.pinning.Vmm;
import kata.pinning.VmmKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code kvm} source over proc-shaped trees of real files: a QEMU-like process 100 with its main
 * thread in {@code ppoll}, a worker in {@code futex}, and vCPU fds 12 and 13 among other fds.
 */
class KvmVmmTreeTest {

    private static final int PID = 100;
    private static final Duration WINDOW = Duration.ofMillis(20);
    private static final String PPOLL = "271 0x55d0c1a4e0 0x5 0x7ffd2c 0x0 0x8 0x0 0x7ffd2c9e10 0x7f3a31c9b1d6";

    @TempDir
    Path proc;

    private ProcTree tree;

    @BeforeEach
    void qemuLikeProcess() throws IOException {
        tree = new ProcTree(proc, PID)
                .fd(0, "pipe:[41230]").fd(3, "socket:[41234]").fd(9, "anon_inode:[signalfd]").fd(10, "anon_inode:kvm-vm")
                .vcpuFd(12, 0).vcpuFd(13, 1).fd(14, "anon_inode:[eventfd]")
                .task(PID, PPOLL).task(101, FUTEX);
    }

    private Vmm kvm() {
        return Vmm.kvm(VmmKind.QEMU, PID, proc, WINDOW);
    }

    private String failure(Vmm vmm) {
        return assertThrows(IOException.class, vmm::vcpus).getMessage();
    }

    @Test
    void threadsInKvmRunAreTheVcpusOfTheirFds() throws IOException {
        tree.task(102, inKvmRun(13)).task(103, inKvmRun(12));
        Vmm vmm = Vmm.kvm(VmmKind.CLOUD_HYPERVISOR, PID, proc);
        assertEquals(List.of(new VcpuThread(0, 103), new VcpuThread(1, 102)), vmm.vcpus());
        assertEquals("cloud-hypervisor", vmm.kind());
        assertEquals("kvm", vmm.source());
    }

    @Test
    void theOneBusyVcpuIsPairedWithTheOneThreadThatWasAlwaysRunning() throws IOException {
        tree.task(102, inKvmRun(12)).task(103, RUNNING);
        assertEquals(List.of(new VcpuThread(0, 102), new VcpuThread(1, 103)), kvm().vcpus());
    }

    @Test
    void twoBusyVcpusAreAnErrorNamingThemAndTheRunningThreads() throws IOException {
        tree.task(102, RUNNING).task(103, RUNNING);
        String message = failure(kvm());
        assertTrue(message.startsWith("qemu pid 100: vCPU 0, 1 of 2 not seen in KVM_RUN in "), message);
        assertTrue(message.contains("unmatched threads: 102 (running "), message);
        assertTrue(message.contains(", 103 (running "), message);
        assertTrue(message.contains("2 never running; check again while the guest idles, or over a longer window"), message);
        assertFalse(message.contains("\n"), message);
    }

    @Test
    void aBusyVcpuBesideABusyOtherThreadIsNotGuessed() throws IOException {
        tree.task(102, inKvmRun(12)).task(103, RUNNING).task(104, RUNNING);
        String message = failure(kvm());
        assertTrue(message.startsWith("qemu pid 100: vCPU 1 of 2 not seen in KVM_RUN"), message);
        assertTrue(message.contains("103 (running") && message.contains("104 (running"), message);
    }

    @ParameterizedTest
    @ValueSource(longs = {ProcTree.USER_WORKER, ProcTree.KTHREAD})
    void aKernelWorkerWithTheSyscallLineOfAVcpuIsNeverTaken(long flags) throws IOException {
        tree.task(102, inKvmRun(12)).task(103, inKvmRun(13)).task(104, flags, inKvmRun(13));
        assertEquals(List.of(new VcpuThread(0, 102), new VcpuThread(1, 103)), kvm().vcpus());
    }

    @ParameterizedTest
    @ValueSource(longs = {ProcTree.USER_WORKER, ProcTree.KTHREAD})
    void aKernelWorkerIsNoCandidateForABusyVcpu(long flags) throws IOException {
        tree.task(102, inKvmRun(12)).task(103, RUNNING).task(104, flags, RUNNING);
        assertEquals(List.of(new VcpuThread(0, 102), new VcpuThread(1, 103)), kvm().vcpus());
    }

    @Test
    void aThreadThatExitsDuringTheScanIsLeftOut() throws IOException {
        tree.task(102, inKvmRun(12)).task(103, RUNNING).task(104, RUNNING);
        int[] sleeps = {0};
        Vmm vmm = new KvmVmm(VmmKind.QEMU, PID, proc, WINDOW, duration -> {
            if (sleeps[0]++ == 0) {
                tree.remove(104);
            }
            Thread.sleep(duration);
        });
        // Listed, but gone before its stat is read: left out too.
        TaskListing listing = TaskListing.of(PID, new int[] {PID, 101, 102, 103, 104, 105}, 1105);
        assertEquals(List.of(new VcpuThread(0, 102), new VcpuThread(1, 103)), vmm.vcpus(listing));
        assertTrue(sleeps[0] > 0);
    }

    @Test
    void twoThreadsInKvmRunOnOneVcpuAreAnErrorNamingBoth() throws IOException {
        tree.task(102, inKvmRun(12)).task(103, inKvmRun(12));
        assertEquals("qemu pid 100: two threads claim vCPU 0: 102 and 103, both in KVM_RUN on fd 12", failure(kvm()));
    }

    @Test
    void aPausedVmHasItsOwnError() throws IOException {
        tree.task(102, FUTEX).task(103, FUTEX);
        assertEquals("qemu pid 100: 2 KVM vCPUs but no thread in KVM_RUN within 20 ms: the VM is paused or not started; "
                + "resume it (QMP cont) and check again", failure(kvm()));
    }

    @Test
    void aPausedVmWithOneBusyThreadOfItsOwnIsStillPaused() throws IOException {
        tree.task(102, FUTEX).task(103, FUTEX).task(104, RUNNING);
        assertTrue(failure(kvm()).startsWith("qemu pid 100: 2 KVM vCPUs but no thread in KVM_RUN within 20 ms"));
    }

    @Test
    void aVmmWithoutKvmHasItsOwnError() throws IOException {
        ProcTree tcg = new ProcTree(proc, 200).fd(3, "socket:[1]").fd(9, "anon_inode:[eventfd]").task(200, PPOLL).task(201, RUNNING);
        assertEquals("firecracker pid 200 has no KVM vCPU (no anon_inode:kvm-vcpu fd): it runs without KVM, under TCG "
                + "perhaps; find its vCPUs over QMP or by thread names instead",
                failure(Vmm.kvm(VmmKind.FIRECRACKER, tcg.pid, proc)));
    }

    @Test
    void anUnreadableSyscallFileIsThePermissionError() throws IOException {
        tree.task(102, inKvmRun(12));
        Files.createDirectories(tree.taskDir(103));
        Files.copy(tree.taskDir(102).resolve("stat"), tree.taskDir(103).resolve("stat"));
        Files.createDirectory(tree.taskDir(103).resolve("syscall")); // exists, and every read of it fails
        String message = failure(kvm());
        assertTrue(message.startsWith("cannot read " + tree.taskDir(103).resolve("syscall") + ": "), message);
        assertTrue(message.endsWith(": finding the vCPUs of qemu pid 100 from the kernel needs CAP_SYS_PTRACE; run as root with it"),
                message);
    }

    @Test
    void noSuchProcess() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, Vmm.kvm(VmmKind.QEMU, 999, proc)::vcpus);
        assertEquals("qemu pid 999: no process 999 under " + proc, e.getReason());
    }

    @Test
    void aRecheckWithTheSameTasksReusesTheAnswerAndAHotPlugIsSeenNext() throws IOException {
        tree.task(102, inKvmRun(12)).task(103, inKvmRun(13));
        Vmm vmm = kvm();
        List<VcpuThread> first = vmm.vcpus(TaskListing.read(proc, PID));
        tree.syscall(102, FUTEX); // were it scanned again, this tree would say the VM is paused
        tree.syscall(103, FUTEX);
        assertSame(first, vmm.vcpus(TaskListing.read(proc, PID)));

        tree.vcpuFd(15, 2).task(104, inKvmRun(15)).task(105, inKvmRun(13));
        tree.syscall(102, inKvmRun(12));
        tree.remove(103); // and vCPU 1 was replaced by a newer thread
        assertEquals(List.of(new VcpuThread(0, 102), new VcpuThread(1, 105), new VcpuThread(2, 104)),
                vmm.vcpus(TaskListing.read(proc, PID)));
    }

    @Test
    void aFailedScanIsNotReused() throws IOException {
        tree.task(102, FUTEX).task(103, inKvmRun(13));
        Vmm vmm = kvm();
        assertThrows(IOException.class, () -> vmm.vcpus(TaskListing.read(proc, PID)));
        tree.syscall(102, inKvmRun(12));
        assertEquals(2, vmm.vcpus(TaskListing.read(proc, PID)).size());
    }

    @Test
    void theWindowMustNotBeNegative() {
        assertThrows(IllegalArgumentException.class, () -> Vmm.kvm(VmmKind.QEMU, PID, proc, Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> Vmm.kvm(VmmKind.QEMU, 0, proc));
    }
}
