package kata.pinning.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import kata.pinning.HostTopology;
import kata.pinning.VcpuThread;
import kata.pinning.config.PinningPolicy;
import kata.pinning.cpuset.CpuSet;

/**
 * Fuzzes the pure planner with random hosts (up to 4 nodes of up to 64 CPUs), unions, NUMA
 * mappings and vCPU reports (index holes, shared and missing threads; each index once, as QEMU
 * reports a vCPU once). Invariant: the placement
 * properties of {@link PlacementProperties} hold for every plan, and the only exception is the
 * documented one, for a reset to an empty VMM affinity.
 */
class PlannerFuzzTest {

    private static final PlacementProperties PROPERTIES = new PlacementProperties();

    @FuzzTest
    void plan(FuzzedDataProvider data) {
        HostTopology host = host(data);
        GuestNodes nodes = data.consumeBoolean() && !host.onlineCpus().isEmpty()
                ? GuestNodes.of(host, data.consumeBoolean() ? List.of() : List.of("0", "1-3"))
                : GuestNodes.NONE;
        CpuSet union = host.onlineCpus().intersection(CpuSet.fromWords(data.consumeLong(), data.consumeLong()));
        CpuSet vmmAffinity = data.consumeBoolean() ? host.onlineCpus() : CpuSet.empty();
        Planner.Request request = new Planner.Request(data.consumeBoolean(),
                data.consumeBoolean() ? PinningPolicy.FIT : PinningPolicy.EXACT, vcpus(data, nodes.count()), union,
                nodes, vmmAffinity, data.consumeBoolean());
        PlacementProperties.Case c = new PlacementProperties.Case(host, request);
        try {
            c.plan();
        } catch (IllegalArgumentException e) {
            assertTrue(vmmAffinity.isEmpty(), e::getMessage);
            return;
        }
        assertEquals(c.plan(), c.plan());
        PROPERTIES.noCpuIsThePinOfTwoVcpus(c);
        PROPERTIES.everyMaskIsNonEmptyAndInsideTheUnionOrTheNodesCpus(c);
        PROPERTIES.fitPinsAsManyVcpusAsTheUnionHasCpus(c);
        PROPERTIES.aVcpuBorrowsAnotherNodesCpuOnlyWhenItsOwnNodeIsFullWithItsOwnVcpus(c);
        PROPERTIES.aNodeLendsACpuOnlyWhenEachOfItsOwnVcpusHasOneOfItsCpus(c);
        PROPERTIES.theSameInputsGiveTheSamePlanWhateverTheReportOrder(c, data.consumeLong());
        PROPERTIES.withEqualCountsFitAndExactGiveTheSamePlan(c);
    }

    /** Disjoint nodes of consecutive CPUs; a node may have none. */
    private static HostTopology host(FuzzedDataProvider data) {
        Map<Integer, CpuSet> nodes = new LinkedHashMap<>();
        int next = 0;
        int count = data.consumeInt(1, 4);
        for (int node = 0; node < count; node++) {
            int size = data.consumeInt(0, 64);
            nodes.put(node, size == 0 ? CpuSet.empty() : CpuSet.range(next, next + size - 1));
            next += size;
        }
        return HostTopology.of(nodes);
    }

    private static List<VcpuThread> vcpus(FuzzedDataProvider data, int guestNodes) {
        List<VcpuThread> vcpus = new ArrayList<>();
        int count = data.consumeInt(0, 48);
        int index = -1;
        for (int i = 0; i < count; i++) {
            index += data.consumeInt(1, 3);
            int thread = data.consumeInt(-1, 40);
            OptionalInt node = guestNodes > 0 && data.consumeBoolean()
                    ? OptionalInt.of(data.consumeInt(0, guestNodes)) : OptionalInt.empty();
            vcpus.add(new VcpuThread(index, thread, node));
        }
        return vcpus;
    }
}
