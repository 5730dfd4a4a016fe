package kata.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.cpuset.HostCpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the host's NUMA nodes from sysfs files under a root: a tree of files, and this host's /sys. */
class HostTopologyTest {

    @TempDir
    Path root;

    @Test
    void readsTwoNodesAndAMemoryOnlyNode() {
        SysfsTree.write(root, "0-7", "0-15", "0-3", "4-7", "");
        HostTopology host = HostTopology.load(root);
        assertEquals(Map.of(0, CpuSet.range(0, 3), 1, CpuSet.range(4, 7), 2, CpuSet.empty()), host.nodes());
        assertEquals(CpuSet.range(0, 7), host.onlineCpus());
        assertEquals(CpuSet.range(0, 15), host.possibleCpus());
        assertEquals(CpuSet.range(0, 7), host.cpusOf(CpuSet.range(0, 2)));
    }

    @Test
    void offlineCpusAreNotANodesCpus() {
        SysfsTree.write(root, "0-2", "0-3", "0-3");
        assertEquals(Map.of(0, CpuSet.range(0, 2)), HostTopology.load(root).nodes());
    }

    @Test
    void withoutNumaSupportTheHostIsOneNodeOfEveryOnlineCpu() {
        SysfsTree.write(root.resolve("devices/system/cpu/online"), "0-5");
        SysfsTree.write(root.resolve("devices/system/cpu/possible"), "0-7");
        assertEquals(Map.of(0, CpuSet.range(0, 5)), HostTopology.load(root).nodes());
    }

    @Test
    void aMissingOrBadFileIsNamed() throws Exception {
        SysfsTree.write(root, "0-7", "0-7", "0-3", "4-7");
        Files.delete(root.resolve("devices/system/node/node1/cpulist"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> HostTopology.load(root));
        assertEquals("no such sysfs file: " + root.resolve("devices/system/node/node1/cpulist"), missing.getMessage());

        SysfsTree.write(root.resolve("devices/system/node/node1/cpulist"), "4-x");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> HostTopology.load(root));
        assertTrue(bad.getMessage().startsWith(root.resolve("devices/system/node/node1/cpulist") + " is not a list: "),
                bad.getMessage());

        SysfsTree.write(root.resolve("devices/system/node/node1/cpulist"), "4-9");
        IllegalArgumentException impossible = assertThrows(IllegalArgumentException.class, () -> HostTopology.load(root));
        assertTrue(impossible.getMessage().contains("lists CPUs 8-9, which are not possible"), impossible.getMessage());
    }

    @Test
    void thisHostsSysfsHasNodesThatHoldEveryOnlineCpuOnce() {
        HostTopology host = HostTopology.load(Path.of("/sys"));
        assertFalse(host.nodes().isEmpty());
        assertEquals(HostCpus.online(), host.onlineCpus());
        CpuSet all = CpuSet.empty();
        for (CpuSet cpus : host.nodes().values()) {
            assertTrue(all.intersection(cpus).isEmpty(), "a CPU in two nodes");
            all = all.union(cpus);
        }
        assertEquals(HostCpus.online(), all);
        assertTrue(host.possibleCpus().containsAll(host.onlineCpus()));
    }
}
