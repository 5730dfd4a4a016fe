package kata.pinning.cgroup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import kata.pinning.cgroup.CgroupException;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cgroup v2 path against this host's real cgroup2 mount. Whether that mount offers the cpuset
 * controller depends on the host: on a hybrid host cpuset is bound to the v1 hierarchy, so the
 * cpuset writes are tested for real only where cgroup2 lists cpuset (and otherwise against a
 * mimic tree in {@link V2AgainstMimicTreeTest}); moving processes and removing cgroups need no
 * controller and are tested here on every host. A fresh {@code mount -t cgroup2} in a private mount
 * namespace would not help: it shows the same single hierarchy, with the same controllers.
 */
class V2OnRealCgroup2Test {

    private ScratchCgroups scratch;
    private CgroupV2 sandbox;
    private boolean cpusetAvailable;

    @BeforeEach
    void openSandboxCgroupOnCgroup2() throws IOException {
        scratch = ScratchCgroups.inCgroup2();
        sandbox = new CgroupV2(scratch.mount(), CgroupFs.relativePath(scratch.path("sandbox")));
        cpusetAvailable = List.of(Files.readString(scratch.mount().resolve(CgroupV2.CONTROLLERS)).strip().split("\\s+"))
                .contains("cpuset");
    }

    @AfterEach
    void removeScratchTree() throws Exception {
        scratch.close();
    }

    @Test
    void withoutTheCpusetControllerApplyFailsNamingSubtreeControlAndCreatesNothing() {
        assumeFalse(cpusetAvailable, "this cgroup2 mount offers cpuset; see writesCpusetAndMovesAProcessWithCpuset");

        CgroupException e = assertThrows(CgroupException.class,
                () -> sandbox.applyCpuset(CpuSet.of(0), CpuSet.of(0)));

        assertEquals(scratch.mount().resolve("cgroup.subtree_control"), e.file());
        assertEquals("+cpuset", e.value());
        assertTrue(e.getMessage().contains("cgroup.controllers"), e.getMessage());
        assertFalse(Files.exists(scratch.dir()));
    }

    @Test
    void writesCpusetAndMovesAProcessWithCpuset() throws IOException {
        assumeTrue(cpusetAvailable, "cpuset is not in this cgroup2 mount's cgroup.controllers (bound to v1 here)");
        CpuSet cpus = CgroupFs.readCpuSet(scratch.mount().resolve("cpuset.cpus.effective"));
        CpuSet one = CpuSet.of(cpus.last());
        Process sleep = scratch.startSleep();

        sandbox.applyCpuset(one, CpuSet.empty());
        sandbox.addProcess((int) sleep.pid());

        assertTrue(Files.readString(scratch.dir().resolve("cgroup.subtree_control")).contains("cpuset"));
        assertEquals(one, sandbox.cpus());
        assertEquals(CpuSet.empty(), sandbox.mems()); // inherited, never written
        assertEquals(scratch.path("sandbox"), scratch.cgroupOf(sleep.pid()));
        assertEquals(one.toString(), ScratchCgroups.cpusAllowed(sleep.pid()));
    }

    @Test
    void emptySetsLetTheCgroupAndTheProcessInsideInheritTheParentsCpusAgain() throws IOException {
        assumeTrue(cpusetAvailable, "cpuset is not in this cgroup2 mount's cgroup.controllers (bound to v1 here)");
        CpuSet cpus = CgroupFs.readCpuSet(scratch.mount().resolve("cpuset.cpus.effective"));
        assumeTrue(cpus.size() >= 2, "needs two CPUs to tell a narrow cpuset from the parent's");
        Process sleep = scratch.startSleep();
        sandbox.applyCpuset(CpuSet.of(cpus.last()), CpuSet.empty());
        sandbox.addProcess((int) sleep.pid());

        sandbox.applyCpuset(CpuSet.empty(), CpuSet.empty());

        assertEquals(CpuSet.empty(), sandbox.cpus());
        CpuSet inherited = CgroupFs.readCpuSet(scratch.dir().resolve("cpuset.cpus.effective"));
        assertEquals(inherited, CgroupFs.readCpuSet(scratch.dir("sandbox").resolve("cpuset.cpus.effective")));
        assertEquals(inherited.toString(), ScratchCgroups.cpusAllowed(sleep.pid()));
    }

    @Test
    void addProcessJoinsACgroupThatAlreadyExists() throws IOException {
        Files.createDirectories(scratch.dir("sandbox")); // made by someone else, e.g. the container manager
        Process sleep = scratch.startSleep();

        sandbox.addProcess((int) sleep.pid());

        assertEquals(scratch.path("sandbox"), scratch.cgroupOf(sleep.pid()));
    }

    @Test
    void deleteRefusesABusyCgroupThenRemovesItOnceEmpty() throws Exception {
        Files.createDirectories(scratch.dir("sandbox"));
        Process sleep = scratch.startSleep();
        sandbox.addProcess((int) sleep.pid());

        CgroupException busy = assertThrows(CgroupException.class, sandbox::delete);
        assertEquals(scratch.dir("sandbox"), busy.file());

        Files.writeString(scratch.mount().resolve("cgroup.procs"), Long.toString(sleep.pid()));
        sandbox.delete();

        assertFalse(Files.exists(scratch.dir("sandbox")));
        assertTrue(Files.isDirectory(scratch.dir()));
    }

    @Test
    void deleteOfACgroupThatDoesNotExistDoesNothing() {
        sandbox.delete();

        assertFalse(Files.exists(scratch.dir()));
        assertEquals(CpuSet.empty(), sandbox.cpus());
    }
}
