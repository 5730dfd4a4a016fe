package kata.pinning.internal;

import static kata.pinning.internal.Topologies.ONE_NODE;
import static kata.pinning.internal.Topologies.TWO_NODES;
import static kata.pinning.internal.Topologies.TWO_NODES_CPU_LESS_THIRD;
import static kata.pinning.internal.Topologies.UNEQUAL_NODES;
import static kata.pinning.internal.Topologies.perHostNode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import kata.pinning.HostTopology;
import kata.pinning.VcpuThread;
import kata.pinning.config.PinningPolicy;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The placement table of docs/design.md on named hosts, one named row per case. A plan is written
 * as {@code v<index>=<cpu>} for a pin and {@code v<index>=[<cpus>]} for a mask.
 */
class PlannerTest {

    private static final PinningPolicy EXACT = PinningPolicy.EXACT;
    private static final PinningPolicy FIT = PinningPolicy.FIT;
    private static final CpuSet VMM = CpuSet.parse("0-7");

    static Stream<Arguments> table() {
        return Stream.of(
                argumentSet("fit, one node: more vCPUs than CPUs", FIT, ONE_NODE, false, vcpus(3), "0-1", false,
                        "v0=0 v1=1 v2=[0-1]", "3 vCPUs for 2 CPUs (0-1): 2 pinned, 1 on the union"),
                argumentSet("fit, one node: the union shrinks from 0-3 to 1-3 (the #13300 case)", FIT, ONE_NODE, false,
                        vcpus(4), "1-3", true, "v0=1 v1=2 v2=3 v3=[1-3]", null),
                argumentSet("fit, one node: a union larger than the VM leaves CPUs unused", FIT, ONE_NODE, false,
                        vcpus(2), "0-3", false, "v0=0 v1=1", "2 vCPUs for 4 CPUs (0-3): 2 pinned"),
                argumentSet("exact, one node: a count mismatch after a pin resets", EXACT, ONE_NODE, false, vcpus(3),
                        "0-1", true, "v0=[0-1] v1=[0-1] v2=[0-1]", "3 vCPUs for 2 CPUs (0-1); reset to the union 0-1"),
                argumentSet("exact, one node: a count mismatch with nothing placed skips", EXACT, ONE_NODE, false,
                        vcpus(3), "0-1", false, "", "3 vCPUs for 2 CPUs (0-1); nothing pinned, nothing to undo"),
                argumentSet("fit, empty union after a pin: back to the VMM's affinity", FIT, ONE_NODE, false, vcpus(2),
                        "", true, "v0=[0-7] v1=[0-7]", null),
                argumentSet("fit, two nodes: each node serves its own vCPUs first", FIT, TWO_NODES, true,
                        onNodes(0, 0, 1, 1), "0-1,4-5", false, "v0=0 v1=1 v2=4 v3=5", null),
                argumentSet("fit, two nodes: a node short of CPUs keeps its extra vCPU on its own CPUs (the #13542 wrap)",
                        FIT, TWO_NODES, true, onNodes(0, 0, 0, 1), "0-1,4-5", false, "v0=0 v1=1 v2=5 v3=4",
                        "4 vCPUs for 4 CPUs (0-1,4-5): 4 pinned"),
                argumentSet("fit, two nodes: lending waits until every node has served itself", FIT, TWO_NODES, true,
                        onNodes(0, 0, 0, 1), "0-1,4", false, "v0=0 v1=1 v2=[0-1] v3=4",
                        "4 vCPUs for 3 CPUs (0-1,4): 3 pinned, 1 on their node's CPUs"),
                argumentSet("fit, two nodes: a node without CPUs in the union borrows the others' spare CPUs", FIT,
                        TWO_NODES, true, onNodes(0, 1, 1), "0-2", false, "v0=0 v1=1 v2=2", null),
                argumentSet("fit, two nodes, CPU-less third node: only two guest nodes, the third's vCPU floats", FIT,
                        TWO_NODES_CPU_LESS_THIRD, true, onNodes(0, 1, 2), "0,4", false, "v0=0 v1=4 v2=[0,4]", null),
                argumentSet("fit, two nodes: the VMM's node-ids decide, not the index order", FIT, TWO_NODES, true,
                        onNodes(1, 1, 0, 0), "0-1,4-5", false, "v0=4 v1=5 v2=0 v3=1", null),
                argumentSet("fit, two nodes, no node-ids: a proportional split, node 0 first", FIT, TWO_NODES, true,
                        vcpus(4), "0-1,4-5", false, "v0=0 v1=1 v2=4 v3=5", null),
                argumentSet("exact, two nodes: equal counts pin within the nodes", EXACT, TWO_NODES, true,
                        onNodes(1, 0), "0,4", false, "v0=4 v1=0", null),
                argumentSet("exact, two nodes: unequal counts with nothing placed skip", EXACT, TWO_NODES, true,
                        onNodes(1, 0, 0), "0,4", false, "", null),
                argumentSet("exact, two nodes, empty union: each vCPU on its node's host CPUs", EXACT, TWO_NODES, true,
                        onNodes(0, 1), "", false, "v0=[0-3] v1=[4-7]",
                        "no container has a cpuset; each vCPU on its guest NUMA node's host CPUs"),
                argumentSet("fit, shared thread: never pinned, the union", FIT, ONE_NODE, false,
                        List.of(new VcpuThread(0, 100), new VcpuThread(1, 100), new VcpuThread(2, 102)), "0-1", false,
                        "v0=[0-1] v1=[0-1] v2=0", null));
    }

    @ParameterizedTest
    @MethodSource("table")
    void plans(PinningPolicy policy, HostTopology host, boolean numa, List<VcpuThread> vcpus, String union,
               boolean placedBefore, String expected, String reason) {
        GuestNodes nodes = numa ? perHostNode(host) : GuestNodes.NONE;
        Plan plan = Planner.plan(new Planner.Request(true, policy, vcpus, CpuSet.parse(union), nodes, VMM, placedBefore));
        assertEquals(expected, render(plan));
        if (reason != null) {
            assertEquals(reason, plan.reason());
        }
    }

    @Test
    void theProportionalSplitFollowsKatasArithmetic() {
        GuestNodes unequal = perHostNode(UNEQUAL_NODES); // 4 and 2 host CPUs
        assertArrayEquals(new int[] {3, 1}, unequal.proportionalShares(4));
        assertArrayEquals(new int[] {2, 1}, unequal.proportionalShares(3));
        assertArrayEquals(new int[] {1, 0}, unequal.proportionalShares(1));
        assertArrayEquals(new int[] {1, 1}, unequal.proportionalShares(2));
        assertArrayEquals(new int[] {0, 0}, unequal.proportionalShares(0));
    }

    @Test
    void guestNodesFollowTheMappingAndDropNodesWithoutCpus() {
        assertEquals(List.of(CpuSet.parse("0-3"), CpuSet.parse("4-7")), perHostNode(TWO_NODES_CPU_LESS_THIRD).hostCpus());
        assertEquals(List.of(CpuSet.parse("0-7")), GuestNodes.of(TWO_NODES, List.of("0-1")).hostCpus());
        assertEquals(List.of(CpuSet.parse("4-7")), GuestNodes.of(TWO_NODES_CPU_LESS_THIRD, List.of("2", "1")).hostCpus());
    }

    private static List<VcpuThread> vcpus(int count) {
        List<VcpuThread> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new VcpuThread(i, 100 + i));
        }
        return out;
    }

    private static List<VcpuThread> onNodes(int... nodes) {
        List<VcpuThread> out = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            out.add(new VcpuThread(i, 100 + i, OptionalInt.of(nodes[i])));
        }
        return out;
    }

    private static String render(Plan plan) {
        return plan.placements().stream()
                .map(p -> "v" + p.vcpuIndex() + "=" + (p.pinned() ? p.cpus().toString() : "[" + p.cpus() + "]"))
                .collect(Collectors.joining(" "));
    }
}
