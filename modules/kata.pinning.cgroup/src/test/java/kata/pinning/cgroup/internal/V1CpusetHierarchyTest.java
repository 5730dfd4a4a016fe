package kata.pinning.cgroup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import kata.pinning.cgroup.CgroupException;
import kata.pinning.cgroup.SandboxCgroup;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cgroup v1 path against this host's real cpuset hierarchy, through the public
 * {@link SandboxCgroup#cgroupfs(String)}: every value is checked in the kernel's files and, for
 * processes, in /proc.
 */
class V1CpusetHierarchyTest {

    private ScratchCgroups scratch;
    private CpuSet rootCpus;
    private CpuSet rootMems;
    private SandboxCgroup sandbox;

    @BeforeEach
    void openNestedSandboxCgroup() {
        scratch = ScratchCgroups.inV1Cpuset();
        rootCpus = CgroupFs.readCpuSet(scratch.mount().resolve("cpuset.cpus"));
        rootMems = CgroupFs.readCpuSet(scratch.mount().resolve("cpuset.mems"));
        sandbox = SandboxCgroup.cgroupfs(scratch.path("sandbox"));
    }

    @AfterEach
    void removeScratchTree() throws Exception {
        scratch.close();
    }

    @Test
    void cgroupfsDetectsThisHostsV1CpusetHierarchy() {
        CgroupFs cgroup = assertInstanceOf(CgroupV1.class, sandbox);

        assertEquals(scratch.dir("sandbox"), cgroup.dir());
    }

    @Test
    void applyCreatesTheMissingParentWithTheRootsValuesThenWritesTheUnionToTheLeaf() throws IOException {
        CpuSet cpus = CpuSet.of(rootCpus.last());
        CpuSet mems = CpuSet.of(rootMems.first());

        sandbox.applyCpuset(cpus, mems);

        assertEquals(rootCpus, CgroupFs.readCpuSet(scratch.dir().resolve("cpuset.cpus")));
        assertEquals(rootMems, CgroupFs.readCpuSet(scratch.dir().resolve("cpuset.mems")));
        assertEquals(cpus.toString(), Files.readString(scratch.dir("sandbox").resolve("cpuset.cpus")).strip());
        assertEquals(mems.toString(), Files.readString(scratch.dir("sandbox").resolve("cpuset.mems")).strip());
        assertEquals(cpus, sandbox.cpus());
        assertEquals(mems, sandbox.mems());
    }

    @Test
    void emptySetsGiveANewCgroupTheParentsValues() {
        sandbox.applyCpuset(CpuSet.empty(), CpuSet.empty());

        assertEquals(rootCpus, sandbox.cpus());
        assertEquals(rootMems, sandbox.mems());
    }

    @Test
    void emptySetsWidenACgroupAndTheProcessInsideBackToTheParentsValues() throws IOException {
        assumeTrue(rootCpus.size() >= 2, "needs two CPUs to tell a narrow cpuset from the parent's");
        CpuSet narrow = CpuSet.of(rootCpus.last());
        Process sleep = scratch.startSleep();
        sandbox.applyCpuset(narrow, rootMems);
        sandbox.addProcess((int) sleep.pid());
        assertEquals(narrow.toString(), ScratchCgroups.cpusAllowed(sleep.pid()));

        sandbox.applyCpuset(CpuSet.empty(), CpuSet.empty());

        CpuSet parentCpus = CgroupFs.readCpuSet(scratch.dir().resolve("cpuset.cpus"));
        assertEquals(parentCpus, sandbox.cpus());
        assertEquals(CgroupFs.readCpuSet(scratch.dir().resolve("cpuset.mems")), sandbox.mems());
        assertEquals(parentCpus.toString(), ScratchCgroups.cpusAllowed(sleep.pid()), "the kernel widened the process");
    }

    @Test
    void addProcessMovesAProcessIntoANewCgroupThatNoCpusetWasWrittenTo() throws IOException {
        // Without the copy from the parent, v1 would refuse the task: the new cpuset would be empty.
        Process sleep = scratch.startSleep();

        sandbox.addProcess((int) sleep.pid());

        assertEquals(scratch.path("sandbox"), scratch.cgroupOf(sleep.pid()));
        assertTrue(Files.readAllLines(scratch.dir("sandbox").resolve("cgroup.procs"))
                .contains(Long.toString(sleep.pid())));
    }

    @Test
    void aProcessInTheCgroupMayRunOnlyOnItsCpuset() throws IOException {
        CpuSet cpus = CpuSet.of(rootCpus.last());
        Process sleep = scratch.startSleep();

        sandbox.applyCpuset(cpus, rootMems);
        sandbox.addProcess((int) sleep.pid());

        assertEquals(cpus.toString(), ScratchCgroups.cpusAllowed(sleep.pid()));
    }

    @Test
    void aCpuTheKernelRejectsFailsNamingCpusetCpusAndTheValueAndChangesNothing() {
        sandbox.applyCpuset(rootCpus, rootMems);

        CgroupException e = assertThrows(CgroupException.class,
                () -> sandbox.applyCpuset(CpuSet.of(4000), rootMems));

        assertEquals(scratch.dir("sandbox").resolve("cpuset.cpus"), e.file());
        assertEquals("4000", e.value());
        assertTrue(e.getMessage().contains(e.file().toString()) && e.getMessage().contains("\"4000\""),
                e.getMessage());
        assertEquals(rootCpus, sandbox.cpus());
    }

    @Test
    void aFailedFirstApplyRemovesTheDirectoriesItCreated() {
        assertThrows(CgroupException.class, () -> sandbox.applyCpuset(CpuSet.of(4000), rootMems));

        assertFalse(Files.exists(scratch.dir()), "scratch parent left behind");
    }

    @Test
    void aFailedMemsWriteRestoresTheCpusWrittenBeforeIt() {
        assumeTrue(rootCpus.size() >= 2, "needs two CPUs to tell the old cpus from the new");
        CpuSet before = CpuSet.of(rootCpus.first());
        sandbox.applyCpuset(before, rootMems);
        CpuSet noSuchNode = CpuSet.of(rootMems.last() + 1);

        CgroupException e = assertThrows(CgroupException.class,
                () -> sandbox.applyCpuset(CpuSet.of(rootCpus.last()), noSuchNode));

        assertEquals(scratch.dir("sandbox").resolve("cpuset.mems"), e.file());
        assertEquals(noSuchNode.toString(), e.value());
        assertEquals(before, sandbox.cpus());
        assertEquals(rootMems, sandbox.mems());
    }

    @Test
    void aFailedMemsWriteAfterWideningCpusRestoresTheNarrowCpus() {
        assumeTrue(rootCpus.size() >= 2, "needs two CPUs to tell a narrow cpuset from the parent's");
        CpuSet narrow = CpuSet.of(rootCpus.first());
        sandbox.applyCpuset(narrow, rootMems);

        CgroupException e = assertThrows(CgroupException.class,
                () -> sandbox.applyCpuset(CpuSet.empty(), CpuSet.of(rootMems.last() + 1)));

        assertEquals(scratch.dir("sandbox").resolve("cpuset.mems"), e.file());
        assertEquals(narrow, sandbox.cpus());
        assertEquals(rootMems, sandbox.mems());
    }

    @Test
    void movingAProcessThatDoesNotExistFailsNamingCgroupProcsAndThePid() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(10, TimeUnit.SECONDS));
        int pid = (int) gone.pid();

        CgroupException e = assertThrows(CgroupException.class, () -> sandbox.addProcess(pid));

        assertEquals(scratch.dir("sandbox").resolve("cgroup.procs"), e.file());
        assertEquals(Integer.toString(pid), e.value());
        assertFalse(Files.exists(scratch.dir()), "a failed move must not leave the cgroup it created");
    }

    @Test
    void deleteRemovesTheLeafAndKeepsTheParent() {
        sandbox.applyCpuset(rootCpus, rootMems);

        sandbox.delete();

        assertFalse(Files.exists(scratch.dir("sandbox")));
        assertTrue(Files.isDirectory(scratch.dir()));
        assertEquals(CpuSet.empty(), sandbox.cpus());
    }

    @Test
    void deleteOfACgroupThatDoesNotExistDoesNothing() {
        sandbox.delete();

        assertFalse(Files.exists(scratch.dir()));
    }

    @Test
    void deleteWhileAProcessRunsInsideFailsNamingTheDirectory() throws IOException {
        Process sleep = scratch.startSleep();
        sandbox.addProcess((int) sleep.pid());

        CgroupException e = assertThrows(CgroupException.class, sandbox::delete);

        assertEquals(scratch.dir("sandbox"), e.file());
        assertEquals("", e.value());
        assertTrue(Files.isDirectory(scratch.dir("sandbox")));
    }

    @Test
    void unchangedPathsReadTheSameCgroup() {
        sandbox.applyCpuset(CpuSet.of(rootCpus.first()), rootMems);

        SandboxCgroup again = SandboxCgroup.cgroupfs("//" + scratch.path("sandbox").substring(1) + "/");

        assertEquals(CpuSet.of(rootCpus.first()), again.cpus());
        assertEquals(Path.of(scratch.dir("sandbox").toString()), ((CgroupFs) again).dir());
    }
}
