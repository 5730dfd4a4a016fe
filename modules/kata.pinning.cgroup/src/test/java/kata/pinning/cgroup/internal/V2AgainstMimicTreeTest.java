package kata.pinning.cgroup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import kata.pinning.cgroup.CgroupException;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cgroup v2 cpuset writes against a directory tree that mimics cgroupfs: a root, a parent
 * {@code kata} and a leaf {@code sandbox}, each with the files the kernel would show. Used because a
 * hybrid host binds cpuset to its v1 hierarchy, so no real cgroup2 mount here can offer it
 * ({@link V2OnRealCgroup2Test} covers the real mount). A plain directory cannot create files on
 * mkdir as the kernel does, so the whole tree exists up front.
 */
class V2AgainstMimicTreeTest {

    @TempDir
    private Path root;
    private Path parent;
    private Path leaf;
    private CgroupV2 sandbox;

    @BeforeEach
    void mimicCgroup2Tree() throws IOException {
        parent = root.resolve("kata");
        leaf = parent.resolve("sandbox");
        for (Path cgroup : new Path[] {root, parent, leaf}) {
            Files.createDirectories(cgroup);
            Files.writeString(cgroup.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
            Files.writeString(cgroup.resolve("cgroup.subtree_control"), "");
            Files.writeString(cgroup.resolve("cgroup.procs"), "");
        }
        Files.writeString(leaf.resolve("cpuset.cpus"), "");
        Files.writeString(leaf.resolve("cpuset.mems"), "");
        sandbox = new CgroupV2(root, Path.of("kata", "sandbox"));
    }

    @Test
    void enablesCpusetInEachAncestorFromTheRootDownButNotInTheLeaf() throws IOException {
        sandbox.applyCpuset(CpuSet.of(1), CpuSet.of(0));

        assertEquals("+cpuset", Files.readString(root.resolve("cgroup.subtree_control")));
        assertEquals("+cpuset", Files.readString(parent.resolve("cgroup.subtree_control")));
        assertEquals("", Files.readString(leaf.resolve("cgroup.subtree_control")));
    }

    @Test
    void writesTheCanonicalCpulists() throws IOException {
        sandbox.applyCpuset(CpuSet.parse("3,0-1,2,8-10:2/3"), CpuSet.parse("1,0"));

        assertEquals("0-3,8-9", Files.readString(leaf.resolve("cpuset.cpus")));
        assertEquals("0-1", Files.readString(leaf.resolve("cpuset.mems")));
        assertEquals(CpuSet.parse("0-3,8-9"), sandbox.cpus());
    }

    @Test
    void leavesSubtreeControlAloneWhereCpusetIsAlreadyEnabled() throws IOException {
        Files.writeString(root.resolve("cgroup.subtree_control"), "cpu cpuset memory\n");

        sandbox.applyCpuset(CpuSet.of(1), CpuSet.of(0));

        assertEquals("cpu cpuset memory\n", Files.readString(root.resolve("cgroup.subtree_control")));
    }

    @Test
    void emptySetsEmptyTheFilesSoTheCgroupInheritsItsParentsValuesAgain() throws IOException {
        Files.writeString(leaf.resolve("cpuset.cpus"), "5\n");
        Files.writeString(leaf.resolve("cpuset.mems"), "1\n");

        sandbox.applyCpuset(CpuSet.empty(), CpuSet.empty());

        // A lone newline: the kernel strips it, and a write of no bytes would never reach it.
        assertEquals("\n", Files.readString(leaf.resolve("cpuset.cpus")));
        assertEquals("\n", Files.readString(leaf.resolve("cpuset.mems")));
        assertEquals(CpuSet.empty(), sandbox.cpus());
        assertEquals(CpuSet.empty(), sandbox.mems());
    }

    @Test
    void aFailedMemsWriteRestoresTheCpusItReplaced() throws IOException {
        Files.writeString(leaf.resolve("cpuset.cpus"), "5\n");
        Files.delete(leaf.resolve("cpuset.mems"));
        Files.createDirectory(leaf.resolve("cpuset.mems")); // a file no write can reach

        CgroupException e = assertThrows(CgroupException.class,
                () -> sandbox.applyCpuset(CpuSet.empty(), CpuSet.of(0)));

        assertEquals(leaf.resolve("cpuset.mems"), e.file());
        assertEquals(CpuSet.of(5), sandbox.cpus());
    }

    @Test
    void aParentWithoutCpusetInItsControllersFailsBeforeAnyWrite() throws IOException {
        Files.writeString(parent.resolve("cgroup.controllers"), "cpu memory\n");

        CgroupException e = assertThrows(CgroupException.class,
                () -> sandbox.applyCpuset(CpuSet.of(1), CpuSet.of(0)));

        assertEquals(parent.resolve("cgroup.subtree_control"), e.file());
        assertEquals("+cpuset", e.value());
        assertTrue(e.getMessage().contains("\"cpu memory\""), e.getMessage());
        assertEquals("", Files.readString(leaf.resolve("cpuset.cpus")));
    }

    @Test
    void addProcessWritesThePidToTheLeafsCgroupProcs() throws IOException {
        sandbox.addProcess(4242);

        assertEquals("4242", Files.readString(leaf.resolve("cgroup.procs")));
    }

    @Test
    void aFileThatIsNoCpulistIsAnErrorNamingFileAndText() throws IOException {
        Files.writeString(leaf.resolve("cpuset.cpus"), "max\n");

        CgroupException e = assertThrows(CgroupException.class, sandbox::cpus);

        assertEquals(leaf.resolve("cpuset.cpus"), e.file());
        assertEquals("max", e.value());
    }
}
