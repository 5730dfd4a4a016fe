package kata.pinning.cgroup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Cgroup paths as a reader in or out of a cgroup namespace sees them, and what lies below a mount's root. */
class CgroupPathTest {

    private static Optional<List<String>> below(String path, String mountRoot, List<String> namespaceRoot) {
        return CgroupPath.parse(path).below(CgroupPath.parse(mountRoot), Optional.ofNullable(namespaceRoot));
    }

    @Test
    void parsesLeadingUpsAndNames() {
        CgroupPath path = CgroupPath.parse("/../../kubepods/pod-1/kata_sb-1");
        assertEquals(2, path.ups());
        assertEquals(List.of("kubepods", "pod-1", "kata_sb-1"), path.names());
        assertEquals("/../../kubepods/pod-1/kata_sb-1", path.toString());
        assertEquals(new CgroupPath(0, List.of()), CgroupPath.parse("/"));
    }

    @Test
    void aPathThatIsNotAbsoluteOrClimbsAfterANameIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> CgroupPath.parse("kata/sb"));
        assertThrows(IllegalArgumentException.class, () -> CgroupPath.parse("/kata/../sb"));
        assertThrows(IllegalArgumentException.class, () -> CgroupPath.parse("/kata/./sb"));
    }

    @Test
    void withoutANamespaceThePathIsBelowTheWholeHierarchy() {
        assertEquals(Optional.of(List.of("kata_overhead", "sb-1")), below("/kata_overhead/sb-1", "/", null));
    }

    @Test
    void belowABindMountOfASubtreeOnlyItsPartCounts() {
        assertEquals(Optional.of(List.of("sb-1")), below("/kata_overhead/sb-1", "/kata_overhead", null));
        assertEquals(Optional.empty(), below("/kubepods/sb-1", "/kata_overhead", null));
    }

    @Test
    void inANamespaceBothRenderingsClimbTheSameWayAndCancel() {
        // A reader in /kubepods/pod-a/agent sees the host's root mount as /../../.. and a sandbox
        // cgroup outside kubepods as /../../../kata_overhead/sb-1.
        assertEquals(Optional.of(List.of("kata_overhead", "sb-1")), below("/../../../kata_overhead/sb-1", "/../../..", null));
    }

    @Test
    void aPathThatClimbsLessThanTheMountTakesTheMissingNamesFromTheNamespaceRoot() {
        // The sandbox cgroup is under kubepods too, so its rendering climbs only to kubepods.
        List<String> namespaceRoot = List.of("kubepods", "pod-a", "agent");
        assertEquals(Optional.of(List.of("kubepods", "pod-b", "kata_sb-1")),
                below("/../../pod-b/kata_sb-1", "/../../..", namespaceRoot));
        assertEquals(Optional.empty(), below("/../../pod-b/kata_sb-1", "/../../..", null), "unknown without the root");
    }
}
