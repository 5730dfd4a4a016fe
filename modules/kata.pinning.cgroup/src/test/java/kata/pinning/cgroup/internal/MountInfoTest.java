package kata.pinning.cgroup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import kata.pinning.cgroup.CgroupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Parsing /proc/self/mountinfo and choosing the cpuset hierarchy, on the layouts hosts really have. */
class MountInfoTest {

    private static final Path SOURCE = Path.of("/proc/self/mountinfo");
    private static final Path SANDBOX = Path.of("kata", "sandbox");

    /** An older distribution: cgroup v1 only, cpuset co-mounted with nothing, cpu with cpuacct. */
    private static final String V1_ONLY = """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro
            25 22 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
            26 25 0:23 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,xattr,name=systemd
            29 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,cpu,cpuacct
            30 25 0:27 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,cpuset
            31 25 0:28 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory
            """;

    /** A current systemd distribution: only the unified hierarchy. */
    private static final String V2_ONLY = """
            24 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw
            25 24 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw
            35 25 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
            """;

    /** This kind of machine: v1 controllers, cpuset among them, and an empty cgroup2 beside them. */
    private static final String HYBRID = """
            30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            33 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
            39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
            40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """;

    @Test
    void parsesEveryFieldOfAV1Line() {
        Mount cpuset = MountInfo.parse(V1_ONLY, SOURCE).get(4);

        assertEquals(new Mount("/", Path.of("/sys/fs/cgroup/cpuset"), "cgroup", List.of("rw", "cpuset")), cpuset);
        assertTrue(cpuset.isV1Cpuset());
    }

    @Test
    void findsTheFieldsAfterAnyNumberOfOptionalFields() {
        Mount mount = MountInfo.parse(
                "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 propagate_from:2 - ext3 /dev/root rw,errors=continue",
                SOURCE).getFirst();

        assertEquals(new Mount("/mnt1", Path.of("/mnt2"), "ext3", List.of("rw", "errors=continue")), mount);
    }

    @Test
    void decodesOctalEscapesInRootAndMountPoint() {
        Mount mount = MountInfo.parse(
                "40 30 0:37 /a\\040b /mnt/with\\040space\\011tab\\134 rw - cgroup2 cgroup2 rw", SOURCE).getFirst();

        assertEquals("/a b", mount.root());
        assertEquals(Path.of("/mnt/with space\ttab\\"), mount.mountPoint());
    }

    static Stream<Arguments> hosts() {
        return Stream.of(
                argumentSet("v1-only host: the cpuset hierarchy, not the co-mounted or named ones",
                        V1_ONLY, CgroupV1.class, "/sys/fs/cgroup/cpuset/kata/sandbox"),
                argumentSet("v2-only host: the unified mount", V2_ONLY, CgroupV2.class, "/sys/fs/cgroup/kata/sandbox"),
                argumentSet("hybrid host: the v1 cpuset hierarchy over the cgroup2 mount",
                        HYBRID, CgroupV1.class, "/sys/fs/cgroup/cpuset/kata/sandbox"));
    }

    @ParameterizedTest
    @MethodSource("hosts")
    void detectsTheHierarchyThatHoldsCpuset(String mountinfo, Class<?> version, String dir) {
        CgroupFs cgroup = CgroupFs.detect(MountInfo.parse(mountinfo, SOURCE), SOURCE, SANDBOX);

        assertInstanceOf(version, cgroup);
        assertEquals(Path.of(dir), cgroup.dir());
    }

    @Test
    void cpusetMustBeAWholeSuperOptionNotPartOfAName() {
        String named = "26 25 0:23 / /sys/fs/cgroup/mine rw - cgroup cgroup rw,name=cpuset\n"
                + "27 25 0:24 / /sys/fs/cgroup/cpusetlike rw - cgroup cgroup rw,cpusetlike\n";

        CgroupException e = assertThrows(CgroupException.class,
                () -> CgroupFs.detect(MountInfo.parse(named, SOURCE), SOURCE, SANDBOX));
        assertEquals(SOURCE, e.file());
    }

    @Test
    void prefersAMountOfTheWholeHierarchyOverABindMountOfASubtree() {
        String mounts = "50 30 0:30 /docker/abc /run/ctr/cpuset rw - cgroup cgroup rw,cpuset\n"
                + "33 30 0:30 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n";

        CgroupFs cgroup = CgroupFs.detect(MountInfo.parse(mounts, SOURCE), SOURCE, SANDBOX);

        assertEquals(Path.of("/sys/fs/cgroup/cpuset/kata/sandbox"), cgroup.dir());
    }

    @Test
    void noCgroupMountIsAnErrorNamingTheMountinfoFile() {
        String noCgroups = V2_ONLY.lines().limit(2).map(l -> l + "\n").reduce("", String::concat);

        CgroupException e = assertThrows(CgroupException.class,
                () -> CgroupFs.detect(MountInfo.parse(noCgroups, SOURCE), SOURCE, SANDBOX));

        assertEquals(SOURCE, e.file());
        assertTrue(e.getMessage().contains("/proc/self/mountinfo"), e.getMessage());
    }

    @Test
    void lineWithoutSeparatorIsAnErrorNamingFileAndLine() {
        String line = "30 22 0:27 / /sys/fs/cgroup rw,relatime tmpfs tmpfs rw,mode=755";

        CgroupException e = assertThrows(CgroupException.class, () -> MountInfo.parse(line + "\n", SOURCE));

        assertEquals(SOURCE, e.file());
        assertEquals(line, e.value());
        assertTrue(e.getMessage().contains(line), e.getMessage());
    }

    @Test
    void openReadsTheMountinfoFileItIsGiven(@TempDir Path dir) throws IOException {
        Path mountinfo = Files.writeString(dir.resolve("mountinfo"), V2_ONLY);

        CgroupFs cgroup = CgroupFs.open(mountinfo, "/kata/sandbox");

        assertInstanceOf(CgroupV2.class, cgroup);
        assertEquals(Path.of("/sys/fs/cgroup/kata/sandbox"), cgroup.dir());
    }

    @Test
    void unreadableMountinfoIsAnErrorNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("mountinfo");

        CgroupException e = assertThrows(CgroupException.class, () -> CgroupFs.open(missing, "/kata"));

        assertEquals(missing, e.file());
    }

    @Test
    void thisHostsMountinfoParsesAndEveryLineHasAnAbsoluteMountPoint() {
        List<Mount> mounts = MountInfo.read(SOURCE);

        assertTrue(mounts.stream().anyMatch(m -> m.mountPoint().equals(Path.of("/"))), mounts::toString);
        assertTrue(mounts.stream().allMatch(m -> m.mountPoint().isAbsolute()), mounts::toString);
    }
}
