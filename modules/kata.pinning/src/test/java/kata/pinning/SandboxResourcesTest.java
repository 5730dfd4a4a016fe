package kata.pinning;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import kata.pinning.SandboxStatus.Outcome;
import kata.pinning.SandboxStatus.PinState;
import kata.pinning.affinity.AffinityException;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.config.CgroupConfig;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** SandboxResources against fake kernel, VMM and cgroup: each behaviour, and each improvement over Kata. */
class SandboxResourcesTest {

    static CpuResources cpus(String cpulist) {
        return CpuResources.parse(cpulist, "");
    }

    static ContainerEvent add(String id, String cpulist) {
        return new ContainerEvent.Added(id, cpus(cpulist));
    }

    static ContainerEvent updateTo(String id, String cpulist) {
        return new ContainerEvent.Updated(id, cpus(cpulist));
    }

    static List<CpuSet> sets(String... cpulists) {
        return List.of(cpulists).stream().map(CpuSet::parse).toList();
    }

    /** A started sandbox on a host with {@code vcpus} vCPUs, pinning enabled. */
    static SandboxResources started(FakeHost host) {
        SandboxResources sandbox = host.builder(true).build();
        sandbox.vmStarted();
        return sandbox;
    }

    @Nested
    class TheRule {

        @Test
        void pinsEachVcpuToItsOwnCpuWhenCountsMatch() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            sandbox.update(add("c1", "2-3"));
            assertEquals(sets("2", "3"), host.vcpuAffinities());
            assertEquals(PinState.PINNED, sandbox.status().pinState());
            assertEquals(Outcome.PLACED, sandbox.status().lastOutcome());
        }

        @Test
        void pinsInVcpuIndexOrderWhenIndicesHaveHolesAfterUnplug() {
            FakeHost host = new FakeHost(3);
            host.vmm.unplug(1); // indices 0 and 2 remain
            SandboxResources sandbox = started(host);
            sandbox.update(add("c1", "4,6"));
            List<VcpuThread> vcpus = host.vmm.vcpusNow();
            assertEquals(List.of(0, 2), vcpus.stream().map(VcpuThread::index).toList());
            assertEquals(sets("4", "6"), host.vcpuAffinities());
        }

        @Test
        void mismatchAfterPinningResetsEveryVcpuToTheUnion() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            sandbox.update(add("c1", "0-1"));
            sandbox.update(updateTo("c1", "0-2"));
            assertEquals(sets("0-2", "0-2"), host.vcpuAffinities());
            assertEquals(PinState.RESET, sandbox.status().pinState());
            assertTrue(sandbox.status().lastReason().contains("2 vCPUs for 3 CPUs"), sandbox.status().lastReason());
        }

        @Test
        void mismatchWithoutEarlierPinLeavesThreadsAlone() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            sandbox.update(add("c1", "0-2"));
            assertEquals(0, host.kernel.sets());
            assertEquals(Outcome.SKIPPED, sandbox.status().lastOutcome());
        }

        @Test
        void disabledSandboxNeitherAsksTheVmmNorTouchesAffinities() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = host.builder(false).build();
            sandbox.vmStarted();
            sandbox.update(add("c1", "0-1"));
            assertEquals(0, host.kernel.sets());
            assertEquals(0, host.vmm.queries());
            assertEquals("vCPU pinning is disabled", sandbox.status().lastReason());
        }

        @Test
        void updateBeforeVmStartWritesTheCgroupButChecksNoThreads() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = host.builder(true).build();
            sandbox.update(add("c1", "0-1"));
            assertEquals(List.of(cpus("0-1")), host.cgroup.writes());
            assertEquals(0, host.vmm.queries());
            assertEquals("the VM has not started", sandbox.status().lastReason());
            sandbox.vmStarted();
            assertEquals(sets("0", "1"), host.vcpuAffinities());
        }

        @Test
        void threadIdsOfZeroOrLessAreIgnored() {
            FakeHost host = new FakeHost(2);
            List<VcpuThread> real = host.vmm.vcpusNow();
            SandboxResources sandbox = started(host);
            host.vmm.answerNext(List.of(real.get(0), new VcpuThread(7, 0), real.get(1), new VcpuThread(8, -1)));
            sandbox.update(add("c1", "0-1"));
            assertEquals(sets("0", "1"), host.vcpuAffinities());
        }
    }

    @Nested
    class KataImprovements {

        /** Improvement 1: both Kata runtimes leave the threads pinned when the last cpuset goes. */
        @Test
        void emptyUnionWhilePinnedResetsToTheVmmsOwnAffinity() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            sandbox.update(add("c1", "0-1"));
            sandbox.update(new ContainerEvent.Deleted("c1"));
            assertEquals(List.of(FakeVmm.OWN_AFFINITY, FakeVmm.OWN_AFFINITY), host.vcpuAffinities());
            assertEquals(PinState.UNPINNED, sandbox.status().pinState());
            assertEquals(Outcome.WIDENED, sandbox.status().lastOutcome());
        }

        /** Improvement 2: several vCPUs on one thread (one TCG thread) must not pin that thread. */
        @Test
        void vcpusSharingOneThreadAreNeverPinned() {
            FakeHost host = new FakeHost(2);
            host.vmm.reportOneSharedThread();
            SandboxResources sandbox = started(host);
            sandbox.update(add("c1", "0-1"));
            assertEquals(0, host.kernel.sets());
            assertTrue(sandbox.status().lastReason().startsWith("vCPUs 0 and 1 share thread "), sandbox.status().lastReason());
        }

        @Test
        void vcpusSharingOneThreadAfterAPinResetThatThreadToTheUnion() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            sandbox.update(add("c1", "0-1"));
            int shared = host.vmm.vcpusNow().getFirst().threadId();
            host.vmm.reportOneSharedThread();
            sandbox.update(updateTo("c1", "0-1"));
            assertEquals(CpuSet.parse("0-1"), host.kernel.affinityOf(shared));
            assertEquals(Outcome.WIDENED, sandbox.status().lastOutcome());
        }

        /** Improvement 3: a thread id that is not QEMU's would make the runtime a confused deputy. */
        @Test
        void foreignThreadRefusesTheWholeOperationAndChangesNoAffinity() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            int foreign = host.vmm.reportForeignThread(1);
            int setsBefore = host.kernel.sets();
            PinningException e = assertThrows(PinningException.class, () -> sandbox.update(add("c1", "0-1")));
            assertAll(
                    () -> assertEquals(PinningException.Kind.FOREIGN_THREAD, e.kind()),
                    () -> assertEquals(foreign, e.threadId().orElseThrow()),
                    () -> assertTrue(e.getMessage().contains("vCPU 1 reports thread " + foreign), e.getMessage()),
                    () -> assertEquals(setsBefore, host.kernel.sets()),
                    () -> assertEquals(FakeVmm.OWN_AFFINITY, host.kernel.affinityOf(foreign)),
                    () -> assertEquals(Map.of(), sandbox.status().containers()));
        }

        @Test
        void foreignThreadAlsoBlocksAReset() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            sandbox.update(add("c1", "0-1"));
            host.vmm.reportForeignThread(0);
            int setsBefore = host.kernel.sets();
            assertThrows(PinningException.class, () -> sandbox.update(updateTo("c1", "0-3")));
            assertEquals(setsBefore, host.kernel.sets());
            assertEquals(cpus("0-1"), sandbox.status().containers().get("c1"));
        }

        /**
         * Improvement 4: runtime-rs restores "not pinned", so a later mismatch never resets. Here a
         * command stopped between its pin and the write of its state left a state that says nothing
         * is pinned: the kernel's pins are taken as the plan in force.
         */
        @Test
        void restoreTrustsTheKernelOverAStaleUnpinnedState() {
            FakeHost host = new FakeHost(2);
            SandboxResources before = started(host);
            String stale = before.persist(); // the state before the pin
            before.update(add("c1", "0-1"));

            SandboxResources after = host.builder(true).restore(stale);
            assertEquals(PinState.PINNED, after.status().pinState());
            after.update(add("c2", "0-2"));
            assertEquals(sets("0-2", "0-2"), host.vcpuAffinities());
        }

        @Test
        void aVersionOneStateStillRestoresAndTrustsTheKernelOverItsUnpinnedPinState() {
            FakeHost host = new FakeHost(2);
            started(host).update(add("c1", "0-1"));
            String legacy = "{\"version\":1,\"pinningEnabled\":true,\"policy\":\"exact\",\"vmStarted\":true,"
                    + "\"vmmAffinity\":\"" + FakeVmm.OWN_AFFINITY + "\",\"pinState\":\"UNPINNED\","
                    + "\"containers\":{\"c1\":{\"cpus\":\"0-1\",\"mems\":\"\"}}}";

            SandboxResources after = host.builder(true).restore(legacy);
            assertEquals(PinState.PINNED, after.status().pinState());
            assertEquals(Outcome.NONE, after.status().lastOutcome(), "version 1 kept no outcome");
            after.update(updateTo("c1", "0-2"));
            assertEquals(sets("0-2", "0-2"), host.vcpuAffinities());
        }

        @Test
        void restoreKeepsContainersPinStateAndTheLastOutcomeAndMakesNoSyscall() {
            FakeHost host = new FakeHost(2);
            SandboxResources before = started(host);
            before.update(add("c1", "0-1"));
            before.update(new ContainerEvent.Added("c2", CpuResources.parse("", "0")));
            SandboxStatus was = before.status();

            int setsBefore = host.kernel.sets();
            SandboxResources after = host.builder(true).restore(before.persist());
            SandboxStatus is = after.status();
            assertAll(
                    () -> assertEquals(was.containers(), is.containers()),
                    () -> assertEquals(was.pinState(), is.pinState()),
                    () -> assertEquals(was.vcpus(), is.vcpus()),
                    () -> assertEquals(Outcome.UNCHANGED, is.lastOutcome()),
                    () -> assertEquals(was.lastReason(), is.lastReason()),
                    () -> assertEquals(setsBefore, host.kernel.sets()));
            after.update(updateTo("c1", "0-1"));
            assertEquals(setsBefore, host.kernel.sets(), "the pin in force is found in force");
        }

        @Test
        void takingOverAPinnedSandboxMakesNoSetCallAndKeepsItsPins() {
            FakeHost host = new FakeHost(2);
            started(host).update(add("c1", "0-1"));
            int setsBefore = host.kernel.sets();

            SandboxResources again = host.builder(true).takeOver();
            assertEquals(PinState.PINNED, again.status().pinState());
            again.update(add("cgroup", "0-1"));

            assertEquals(setsBefore, host.kernel.sets(), "the pins in force are found in force");
            assertEquals(Outcome.UNCHANGED, again.status().lastOutcome());
        }

        @Test
        void takingOverThreadsResetToAUnionLetsThemFollowTheNextUnion() {
            FakeHost host = new FakeHost(2);
            SandboxResources first = started(host);
            first.update(add("c1", "0-1"));
            first.update(updateTo("c1", "0-2"));

            SandboxResources again = host.builder(true).takeOver();
            assertEquals(PinState.RESET, again.status().pinState());
            again.update(add("cgroup", "0-3"));

            assertEquals(sets("0-3", "0-3"), host.vcpuAffinities());
        }

        @Test
        void takingOverWithPinningDisabledTouchesNoAffinity() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = host.builder(false).takeOver();
            sandbox.update(add("cgroup", "0-1"));
            assertEquals(List.of(), host.log.stream().filter(e -> e.startsWith("get ") || e.startsWith("set ")).toList());
            assertTrue(sandbox.status().vmStarted());
        }

        @Test
        void aFailedReadOfTheVmmAffinityAtTheStartIsRecordedAndTriedAgain() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = host.builder(true).affinity(new ThreadAffinity() {
                private boolean failed;

                @Override
                public CpuSet get(int tid) {
                    if (!failed && tid == host.vmm.pid()) {
                        failed = true;
                        throw new AffinityException("sched_getaffinity", 3, "ESRCH", tid, null);
                    }
                    return host.kernel.get(tid);
                }

                @Override
                public void set(int tid, CpuSet cpus) {
                    host.kernel.set(tid, cpus);
                }
            }).build();

            PinningException e = assertThrows(PinningException.class, sandbox::vmStarted);
            assertEquals(PinningException.Kind.AFFINITY, e.kind());
            assertTrue(sandbox.status().vmStarted(), "the VM counts as started");
            assertEquals(Outcome.FAILED, sandbox.status().lastOutcome());

            sandbox.update(add("c1", "0-1"));
            assertEquals(sets("0", "1"), host.vcpuAffinities());
        }

        /** Improvement 5: runtime-rs returns early on unchanged cpusets, so a hot-plugged vCPU floats. */
        @Test
        void quotaOnlyUpdateAfterHotplugResetsTheVcpusButSkipsTheCgroupWrite() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            sandbox.update(add("c1", "0-1"));
            int cgroupWrites = host.cgroup.writes().size();
            host.vmm.plug();
            sandbox.update(updateTo("c1", "0-1"));
            assertEquals(cgroupWrites, host.cgroup.writes().size());
            assertEquals(sets("0-1", "0-1", "0-1"), host.vcpuAffinities());
        }

        @Test
        void reapplyingThePinInForceMakesNoSyscall() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            sandbox.update(add("c1", "0-1"));
            int from = host.log.size();
            sandbox.update(updateTo("c1", "0-1"));
            sandbox.update(new ContainerEvent.Added("c2", CpuResources.NONE));
            assertEquals(List.of(), host.setsSince(from));
            assertEquals(Outcome.UNCHANGED, sandbox.status().lastOutcome());
        }
    }

    @Nested
    class WaitingForVcpuThreads {

        @Test
        void asksAgainWithDoublingBackoffUntilDefaultVcpusThreadsAreVisible() {
            FakeHost host = new FakeHost(2);
            for (int i = 0; i < 3; i++) {
                host.vmm.answerNext(List.of(host.vmm.vcpusNow().getFirst()));
            }
            SandboxResources sandbox = host.builder(true).defaultVcpus(2).build();
            sandbox.update(add("c1", "0-1"));
            sandbox.vmStarted();
            assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200)), host.sleeps);
            assertEquals(sets("0", "1"), host.vcpuAffinities());
        }

        @Test
        void givesUpAfterTenAttemptsAndGoesOnWithTheThreadsItSees() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = host.builder(true).defaultVcpus(4).build();
            sandbox.update(add("c1", "0-1"));
            sandbox.vmStarted();
            assertEquals(10, host.vmm.queries());
            assertEquals(List.of(50L, 100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 12800L),
                    host.sleeps.stream().map(Duration::toMillis).toList());
            assertEquals(sets("0", "1"), host.vcpuAffinities());
        }
    }

    @Nested
    class Failures {

        @Test
        void pinFailureResetsEveryVcpuToTheUnionAndNamesThreadAndCpu() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            int second = host.vmm.vcpusNow().get(1).threadId();
            host.kernel.failNextSet(second, "EPERM");
            PinningException e = assertThrows(PinningException.class, () -> sandbox.update(add("c1", "2-3")));
            assertAll(
                    () -> assertEquals(PinningException.Kind.AFFINITY, e.kind()),
                    () -> assertEquals(second, e.threadId().orElseThrow()),
                    () -> assertEquals(Optional.of(CpuSet.of(3)), e.cpus()),
                    () -> assertTrue(e.getMessage().startsWith("cannot pin vCPU 1 (thread " + second + ") to CPU 3: "), e.getMessage()),
                    () -> assertTrue(e.getMessage().contains("EPERM"), e.getMessage()),
                    () -> assertEquals(AffinityException.Reason.NOT_PERMITTED, ((AffinityException) e.getCause()).reason()),
                    () -> assertEquals(sets("2-3", "2-3"), host.vcpuAffinities()),
                    () -> assertEquals(0, e.getSuppressed().length),
                    () -> assertEquals(Outcome.FAILED, sandbox.status().lastOutcome()));
        }

        @Test
        void resetFailuresAfterAFailedPinAreSuppressedNotSwallowed() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            int second = host.vmm.vcpusNow().get(1).threadId();
            host.kernel.failNextSet(second, "EPERM"); // the pin
            host.kernel.failNextSet(second, "EPERM"); // the reset after it
            PinningException e = assertThrows(PinningException.class, () -> sandbox.update(add("c1", "2-3")));
            assertEquals(1, e.getSuppressed().length);
            assertEquals(second, ((AffinityException) e.getSuppressed()[0]).threadId());
            assertTrue(e.getMessage().endsWith("resetting the vCPU threads to 2-3 failed too"), e.getMessage());
            assertEquals(PinState.PINNED, sandbox.status().pinState(), "a thread may still be pinned: the next mismatch must reset");
        }

        @Test
        void failedAddRemovesTheContainerAndRestoresTheCgroup() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            sandbox.update(add("c1", "0-1"));
            host.kernel.failNextSet(host.vmm.vcpusNow().get(0).threadId(), "ESRCH");
            assertThrows(PinningException.class, () -> sandbox.update(add("c2", "2-3")));
            assertEquals(Map.of("c1", cpus("0-1")), sandbox.status().containers());
            List<CpuResources> writes = host.cgroup.writes();
            assertEquals(List.of(cpus("0-3"), cpus("0-1")), writes.subList(writes.size() - 2, writes.size()));
        }

        @Test
        void failedUpdateRestoresTheOldEntryAndTheOldCgroupValues() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            sandbox.update(add("c1", "0-1"));
            host.kernel.failNextSet(host.vmm.vcpusNow().get(0).threadId(), "EPERM");
            assertThrows(PinningException.class, () -> sandbox.update(updateTo("c1", "4-5")));
            assertEquals(Map.of("c1", cpus("0-1")), sandbox.status().containers());
            assertEquals(cpus("0-1"), host.cgroup.writes().getLast());
        }

        @Test
        void failedDeleteRestoresTheEntry() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            sandbox.update(add("c1", "0-1"));
            host.vmm.failNextQuery(new IOException("QMP connection closed"));
            PinningException e = assertThrows(PinningException.class, () -> sandbox.update(new ContainerEvent.Deleted("c1")));
            assertEquals(PinningException.Kind.VMM_QUERY, e.kind());
            assertTrue(e.getMessage().endsWith("QMP connection closed"), e.getMessage());
            assertEquals(Map.of("c1", cpus("0-1")), sandbox.status().containers());
        }

        @Test
        void cgroupFailureChangesNoAffinityAndRollsTheContainerBack() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            host.cgroup.failNextApply();
            PinningException e = assertThrows(PinningException.class, () -> sandbox.update(add("c1", "0-1")));
            assertEquals(PinningException.Kind.CGROUP, e.kind());
            assertTrue(e.getMessage().contains("cpuset.cpus"), e.getMessage());
            assertEquals(0, host.kernel.sets());
            assertEquals(Map.of(), sandbox.status().containers());
        }
    }

    @Nested
    class CgroupStep {

        @Test
        void cgroupIsWrittenBeforeAnyAffinityChange() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            int from = host.log.size();
            sandbox.update(add("c1", "0-1"));
            List<String> calls = host.log.subList(from, host.log.size());
            assertEquals("cgroup 0-1 ", calls.getFirst());
            assertEquals(2, host.setsSince(from).size());
        }

        @Test
        void vmmIsMovedIntoTheCgroupAfterItsCpusetWhenThereIsAnOverheadCgroup() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = host.builder(true)
                    .cgroupConfig(new CgroupConfig("kata_sandboxed_pod/s1", "kata_overhead/s1", false, true))
                    .cgroup(host.cgroup)
                    .build();
            sandbox.vmStarted();
            assertEquals(List.of("cgroup  ", "cgroup add " + host.vmm.pid()),
                    host.log.stream().filter(e -> e.startsWith("cgroup")).toList());
        }

        @Test
        void vmmStaysWhereItIsWithSandboxCgroupOnly() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = host.builder(true)
                    .cgroupConfig(new CgroupConfig("kata_sandboxed_pod/s1", "kata_overhead/s1", true, true))
                    .cgroup(host.cgroup)
                    .build();
            sandbox.vmStarted();
            assertEquals(List.of(), host.cgroup.processes());
        }

        @Test
        void deleteRemovesTheCgroup() {
            FakeHost host = new FakeHost(1);
            SandboxResources sandbox = started(host);
            sandbox.delete();
            assertTrue(host.cgroup.deleted());
        }
    }

    @Nested
    class BadInput {

        @Test
        void addingAnExistingContainerIsRejectedAndChangesNothing() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            sandbox.update(add("c1", "0-1"));
            SandboxStatus before = sandbox.status();
            int logSize = host.log.size();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sandbox.update(add("c1", "2")));
            assertEquals("container c1 was already added", e.getMessage());
            assertEquals(before, sandbox.status());
            assertEquals(logSize + 2, host.log.size(), "only the two status reads");
        }

        @Test
        void updatingOrDeletingAnUnknownContainerIsRejected() {
            FakeHost host = new FakeHost(2);
            SandboxResources sandbox = started(host);
            assertEquals("no container c9 to update",
                    assertThrows(IllegalArgumentException.class, () -> sandbox.update(updateTo("c9", "1"))).getMessage());
            assertEquals("no container c9 to delete",
                    assertThrows(IllegalArgumentException.class, () -> sandbox.update(new ContainerEvent.Deleted("c9"))).getMessage());
            assertEquals(Map.of(), sandbox.status().containers());
        }

        @Test
        void vmStartedTwiceIsRejected() {
            SandboxResources sandbox = started(new FakeHost(1));
            assertThrows(IllegalStateException.class, sandbox::vmStarted);
        }

        @Test
        void blankContainerIdIsRejected() {
            assertThrows(IllegalArgumentException.class, () -> new ContainerEvent.Deleted(" "));
        }

        @Test
        void buildWithoutVmmIsRejected() {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> SandboxResources.builder().build());
            assertTrue(e.getMessage().contains("qemu("), e.getMessage());
        }
    }

    @Test
    void concurrentUpdatesFromVirtualThreadsRunOneAtATime() throws Exception {
        FakeHost host = new FakeHost(2);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        Vmm slowVmm = new Vmm() {
            @Override
            public int pid() {
                return host.vmm.pid();
            }

            @Override
            public List<VcpuThread> vcpus() throws IOException {
                mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(2); // a QMP round trip: long enough for a second caller to overlap
                    return host.vmm.vcpus();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                } finally {
                    inside.decrementAndGet();
                }
            }
        };
        SandboxResources sandbox = host.builder(true).vmm(slowVmm).build();
        sandbox.vmStarted();
        List<Future<?>> updates = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 32; i++) {
                String id = "c" + i;
                updates.add(threads.submit(() -> sandbox.update(new ContainerEvent.Added(id, CpuResources.NONE))));
            }
        }
        for (Future<?> update : updates) {
            update.get();
        }
        assertEquals(1, mostInside.get(), "no two steps overlap");
        assertEquals(32, sandbox.status().containers().size());
    }

    @Test
    void statusShowsLastDecisionAndEachVcpusRealAffinity() {
        FakeHost host = new FakeHost(2);
        SandboxResources sandbox = started(host);
        sandbox.update(add("c1", "0-1"));
        List<VcpuThread> vcpus = host.vmm.vcpusNow();
        host.kernel.exit(vcpus.get(1).threadId()); // gone, but still reported
        SandboxStatus status = sandbox.status();
        assertAll(
                () -> assertEquals("2 vCPUs for 2 CPUs (0-1): one vCPU per CPU", status.lastReason()),
                () -> assertEquals(new SandboxStatus.VcpuStatus(0, vcpus.get(0).threadId(), OptionalInt.empty(),
                                Optional.of(CpuSet.of(0)), true),
                        status.vcpus().get(0)),
                () -> assertEquals(Optional.empty(), status.vcpus().get(1).affinity()),
                () -> assertEquals(cpus("0-1"), status.union()));
    }
}
