package kata.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import kata.pinning.testing.NamedThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Vmm#threadNames} against real processes: a child JVM whose threads carry a VMM's vCPU
 * names, decoys, and a vCPU thread that keeps exiting and coming back while the scans run.
 */
class ThreadNameVmmTest {

    private static final Path PROC = Path.of("/proc");
    private static final int SCANS = 300;

    @TempDir
    Path dir;

    /** The name {@code kind} gives vCPU {@code index}. */
    static String nameOf(VmmKind kind, int index) {
        return kind.threadName().replace("<N>", Integer.toString(index)).replace("<accel>", "KVM");
    }

    @ParameterizedTest
    @EnumSource(value = VmmKind.class, names = "QEMU", mode = EnumSource.Mode.EXCLUDE)
    void findsTheVcpuThreadsButNoDecoyWhileAThreadComesAndGoes(VmmKind kind) throws Exception {
        String prefix = nameOf(kind, 0).substring(0, nameOf(kind, 0).length() - 1);
        List<String> decoys = List.of(prefix + "_x", prefix + "X", nameOf(kind, 12) + "abc", prefix + "01");
        try (NamedThreads vmm = NamedThreads.start(dir, kind.cliName(),
                concat(List.of(nameOf(kind, 0), nameOf(kind, 1)), decoys), List.of(nameOf(kind, 2)))) {
            Vmm byName = Vmm.threadNames(kind, vmm.pid(), PROC);
            Map<Integer, Integer> steady = Map.of(0, vmm.tid(nameOf(kind, 0)), 1, vmm.tid(nameOf(kind, 1)));
            int with = 0;
            int without = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // At least SCANS scans, and on until vCPU 2 has been seen both present and gone.
            for (int scan = 0; scan < SCANS || (with == 0 || without == 0) && System.nanoTime() < deadline; scan++) {
                Map<Integer, Integer> tidByIndex = byName.vcpus().stream()
                        .collect(Collectors.toMap(VcpuThread::index, VcpuThread::threadId));
                Integer comingAndGoing = tidByIndex.remove(2);
                assertEquals(steady, tidByIndex, "scan " + scan);
                if (comingAndGoing != null) {
                    with++;
                } else {
                    without++;
                }
            }
            assertTrue(with > 0 && without > 0, "vCPU 2 present in " + with + " scans, gone in " + without);
            assertEquals(kind.cliName(), byName.kind());
            assertEquals("thread-names", byName.source());
        }
    }

    @Test
    void onlyTasksOfItsOwnProcessAreVcpus() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread ownVcpu0 = Thread.ofPlatform().name("vcpu0").start(() -> awaitQuietly(release));
        try (NamedThreads vmm = NamedThreads.start(dir, "cloud-hypervisor", List.of("vcpu1"), List.of())) {
            assertEquals(List.of(new VcpuThread(1, vmm.tid("vcpu1"))),
                    Vmm.threadNames(VmmKind.CLOUD_HYPERVISOR, vmm.pid(), PROC).vcpus());
        } finally {
            release.countDown();
            ownVcpu0.join();
        }
    }

    @Test
    void twoThreadsClaimingOneIndexAreAnErrorNamingBoth() throws Exception {
        try (NamedThreads vmm = NamedThreads.start(dir, "firecracker", List.of("fc_vcpu 0", "fc_vcpu 1", "fc_vcpu 1"), List.of())) {
            List<Integer> both = vmm.tids().get("fc_vcpu 1");
            IOException e = assertThrows(IOException.class,
                    () -> Vmm.threadNames(VmmKind.FIRECRACKER, vmm.pid(), PROC).vcpus());
            assertEquals("firecracker pid " + vmm.pid() + ": two threads claim vCPU 1: "
                    + Math.min(both.get(0), both.get(1)) + " (fc_vcpu 1) and " + Math.max(both.get(0), both.get(1))
                    + " (fc_vcpu 1)", e.getMessage());
        }
    }

    @Test
    void aJavaNameLongerThanTheKernelKeepsIsNoVcpu() throws Exception {
        try (NamedThreads vmm = NamedThreads.start(dir, "firecracker", List.of("fc_vcpu 0", "fc_vcpu 12345678"), List.of())) {
            assertEquals("fc_vcpu 1234567", Files.readString(PROC.resolve(vmm.pid() + "/task/" + vmm.tid("fc_vcpu 12345678")
                    + "/comm")).strip(), "the kernel keeps 15 characters");
            assertEquals(List.of(new VcpuThread(0, vmm.tid("fc_vcpu 0"))),
                    Vmm.threadNames(VmmKind.FIRECRACKER, vmm.pid(), PROC).vcpus());
        }
    }

    @Test
    void readsTheTasksUnderAnotherProcRoot() throws Exception {
        Path tasks = Files.createDirectories(dir.resolve("proc/4242/task"));
        Files.writeString(Files.createDirectory(tasks.resolve("4242")).resolve("comm"), "openvmm\n");
        Files.writeString(Files.createDirectory(tasks.resolve("4250")).resolve("comm"), "vp-0\n");
        Files.writeString(Files.createDirectory(tasks.resolve("4251")).resolve("comm"), "vp-1x\n");

        assertEquals(List.of(new VcpuThread(0, 4250)), Vmm.threadNames(VmmKind.OPENVMM, 4242, dir.resolve("proc")).vcpus());
        IOException gone = assertThrows(IOException.class,
                () -> Vmm.threadNames(VmmKind.OPENVMM, 4243, dir.resolve("proc")).vcpus());
        assertTrue(gone.getMessage().contains("no process 4243 under " + dir.resolve("proc")), gone.getMessage());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
