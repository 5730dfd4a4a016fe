package kata.pinning.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import kata.pinning.HostTopology;
import kata.pinning.VcpuThread;
import kata.pinning.config.PinningPolicy;
import kata.pinning.cpuset.CpuSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties 1 to 6 of the placement planner, over random hosts (1 to 4 nodes, up to 256 CPUs,
 * CPU-less nodes included), unions, vCPU counts, node reports and policies. Property 7 runs whole
 * sandboxes: {@code SandboxPlacementProperties}.
 */
class PlacementProperties {

    /** A random check's inputs, with the host they were drawn for. */
    record Case(HostTopology host, Planner.Request request) {
        Plan plan() {
            return Planner.plan(request);
        }

        GuestNodes nodes() {
            return request.nodes();
        }

        CpuSet union() {
            return request.union();
        }

        Map<Integer, OptionalInt> nodeByIndex() {
            Map<Integer, OptionalInt> byIndex = new HashMap<>();
            Planner.nodesOf(Planner.withThreads(request.vcpus()), nodes())
                    .forEach((v, node) -> byIndex.put(v.index(), node));
            return byIndex;
        }

        boolean threadsDistinct() {
            List<VcpuThread> threads = Planner.withThreads(request.vcpus());
            return threads.stream().map(VcpuThread::threadId).distinct().count() == threads.size();
        }
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void noCpuIsThePinOfTwoVcpus(@ForAll("cases") Case c) {
        Set<CpuSet> pins = new HashSet<>();
        for (VcpuPlacement p : c.plan().placements()) {
            if (p.pinned()) {
                assertTrue(pins.add(p.cpus()), "CPU " + p.cpus() + " pinned twice in " + c.plan());
            }
        }
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void everyMaskIsNonEmptyAndInsideTheUnionOrTheNodesCpus(@ForAll("cases") Case c) {
        Plan plan = c.plan();
        Map<Integer, OptionalInt> nodes = c.nodeByIndex();
        for (VcpuPlacement p : plan.placements()) {
            assertFalse(p.cpus().isEmpty());
            if (!c.union().isEmpty()) {
                assertTrue(c.union().containsAll(p.cpus()), p + " outside the union " + c.union());
            } else if (c.nodes().enabled()) {
                OptionalInt node = nodes.get(p.vcpuIndex());
                CpuSet allowed = c.threadsDistinct() && node.isPresent() ? c.nodes().cpusOf(node.getAsInt()) : c.nodes().allCpus();
                assertTrue(allowed.containsAll(p.cpus()), p + " outside its node's CPUs " + allowed);
                assertFalse(p.pinned(), "an empty union never pins");
            } else {
                assertEquals(c.request().vmmAffinity(), p.cpus(), "an empty union without NUMA resets to the VMM's affinity");
            }
        }
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void fitPinsAsManyVcpusAsTheUnionHasCpus(@ForAll("cases") Case c) {
        if (c.request().enabled() && c.request().policy() == PinningPolicy.FIT && !c.union().isEmpty()
                && c.threadsDistinct()) {
            int vcpus = Planner.withThreads(c.request().vcpus()).size();
            assertEquals(Math.min(vcpus, c.union().size()), c.plan().pinnedCount());
        }
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void aVcpuBorrowsAnotherNodesCpuOnlyWhenItsOwnNodeIsFullWithItsOwnVcpus(@ForAll("cases") Case c) {
        if (!c.nodes().enabled()) {
            return;
        }
        Plan plan = c.plan();
        Map<Integer, OptionalInt> nodes = c.nodeByIndex();
        Map<Integer, Integer> pinOwner = new HashMap<>(); // CPU -> vCPU index
        plan.placements().stream().filter(VcpuPlacement::pinned).forEach(p -> pinOwner.put(p.cpus().first(), p.vcpuIndex()));
        for (VcpuPlacement p : plan.placements()) {
            OptionalInt node = nodes.get(p.vcpuIndex());
            if (!p.pinned() || node.isEmpty() || c.nodes().cpusOf(node.getAsInt()).contains(p.cpus().first())) {
                continue;
            }
            for (int cpu : c.nodes().cpusOf(node.getAsInt()).intersection(c.union()).toArray()) {
                Integer owner = pinOwner.get(cpu);
                assertTrue(owner != null && nodes.get(owner).equals(node),
                        "vCPU " + p.vcpuIndex() + " borrowed CPU " + p.cpus() + " while CPU " + cpu + " of its node " + node
                                + " went to " + owner);
            }
        }
    }

    /** The other side of property 4: lending never takes a CPU a vCPU of the lending node goes without. */
    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void aNodeLendsACpuOnlyWhenEachOfItsOwnVcpusHasOneOfItsCpus(@ForAll("cases") Case c) {
        if (!c.nodes().enabled() || !c.threadsDistinct()) {
            return;
        }
        Plan plan = c.plan();
        Map<Integer, OptionalInt> nodes = c.nodeByIndex();
        for (VcpuPlacement lent : plan.placements()) {
            OptionalInt borrower = nodes.get(lent.vcpuIndex());
            if (!lent.pinned()) {
                continue;
            }
            for (int g = 0; g < c.nodes().count(); g++) {
                int lender = g;
                boolean foreign = c.nodes().cpusOf(g).contains(lent.cpus().first())
                        && !(borrower.isPresent() && borrower.getAsInt() == g);
                if (!foreign) {
                    continue;
                }
                for (VcpuPlacement own : plan.placements()) {
                    if (nodes.get(own.vcpuIndex()).equals(OptionalInt.of(lender))) {
                        assertTrue(own.pinned() && c.nodes().cpusOf(lender).contains(own.cpus().first()),
                                "node " + lender + " lent CPU " + lent.cpus() + " to vCPU " + lent.vcpuIndex()
                                        + " while its vCPU " + own.vcpuIndex() + " got " + own.cpus());
                    }
                }
            }
        }
    }

    @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
    void theSameInputsGiveTheSamePlanWhateverTheReportOrder(@ForAll("cases") Case c, @ForAll long seed) {
        List<VcpuThread> shuffled = new ArrayList<>(c.request().vcpus());
        java.util.Collections.shuffle(shuffled, new java.util.Random(seed));
        Planner.Request r = c.request();
        Plan again = Planner.plan(new Planner.Request(r.enabled(), r.policy(), shuffled, r.union(), r.nodes(),
                r.vmmAffinity(), r.placedBefore()));
        assertEquals(c.plan(), again);
    }

    @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
    void withEqualCountsFitAndExactGiveTheSamePlan(@ForAll("cases") Case c) {
        Planner.Request r = c.request();
        if (Planner.withThreads(r.vcpus()).size() != r.union().size() || !c.threadsDistinct()) {
            return;
        }
        Plan fit = Planner.plan(new Planner.Request(r.enabled(), PinningPolicy.FIT, r.vcpus(), r.union(), r.nodes(),
                r.vmmAffinity(), r.placedBefore()));
        Plan exact = Planner.plan(new Planner.Request(r.enabled(), PinningPolicy.EXACT, r.vcpus(), r.union(), r.nodes(),
                r.vmmAffinity(), r.placedBefore()));
        assertEquals(exact.placements(), fit.placements());
    }

    // --- generators ---------------------------------------------------------------------------

    @Provide
    Arbitrary<Case> cases() {
        return hosts().flatMap(host -> {
            CpuSet all = host.onlineCpus();
            Arbitrary<GuestNodes> nodes = Arbitraries.of(true, true, false)
                    .map(numa -> numa && !host.onlineCpus().isEmpty() ? GuestNodes.of(host, List.of()) : GuestNodes.NONE);
            Arbitrary<CpuSet> unions = Arbitraries.oneOf(
                    Arbitraries.just(CpuSet.empty()),
                    subsets(all), subsets(all),
                    Arbitraries.integers().between(0, 300).set().ofMaxSize(12).map(CpuSet::of)); // CPUs in no node too
            return Combinators.combine(Arbitraries.of(true, true, true, false), Arbitraries.of(PinningPolicy.class),
                            nodes.flatMap(n -> vcpus(n.count()).map(v -> Map.entry(n, v))), unions,
                            Arbitraries.of(true, false))
                    .as((enabled, policy, nodesAndVcpus, union, placedBefore) -> new Case(host, new Planner.Request(
                            enabled, policy, nodesAndVcpus.getValue(), union, nodesAndVcpus.getKey(), CpuSet.range(0, 511),
                            placedBefore)));
        });
    }

    /** Random subsets of the host's CPUs, of any size. */
    private static Arbitrary<CpuSet> subsets(CpuSet all) {
        int[] cpus = all.toArray();
        return Arbitraries.of(true, false).list().ofSize(cpus.length).map(keep -> {
            List<Integer> chosen = new ArrayList<>();
            for (int i = 0; i < cpus.length; i++) {
                if (keep.get(i)) {
                    chosen.add(cpus[i]);
                }
            }
            return CpuSet.of(chosen);
        });
    }

    /** 1 to 4 nodes over up to 256 CPUs, some of them without any. */
    private Arbitrary<HostTopology> hosts() {
        // Small hosts most of the time, so that nodes run short of CPUs for their vCPUs.
        Arbitrary<Integer> cpuCounts = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(1, 32)),
                Tuple.of(1, Arbitraries.integers().between(33, 256)));
        return Combinators.combine(Arbitraries.integers().between(1, 4), cpuCounts)
                .flatAs((nodeCount, cpus) -> Arbitraries.integers().between(0, nodeCount - 1).list().ofSize(cpus)
                        .map(owners -> {
                            Map<Integer, List<Integer>> byNode = new HashMap<>();
                            for (int n = 0; n < nodeCount; n++) {
                                byNode.put(n, new ArrayList<>());
                            }
                            for (int cpu = 0; cpu < owners.size(); cpu++) {
                                byNode.get(owners.get(cpu)).add(cpu);
                            }
                            Map<Integer, CpuSet> nodes = new HashMap<>();
                            byNode.forEach((n, list) -> nodes.put(n, CpuSet.of(list)));
                            return HostTopology.of(nodes);
                        }))
                .flatMap(host -> Arbitraries.of(true, false, false).map(emptyNode -> {
                    if (!emptyNode) {
                        return host;
                    }
                    Map<Integer, CpuSet> nodes = new HashMap<>(host.nodes());
                    nodes.put(nodes.size(), CpuSet.empty()); // a memory-only node
                    return HostTopology.of(nodes);
                }));
    }

    /**
     * Up to 64 vCPUs with distinct indices, mostly distinct threads (sometimes shared or absent),
     * and either no nodes (the proportional split) or a node each, sometimes one that does not exist.
     */
    private Arbitrary<List<VcpuThread>> vcpus(int guestNodes) {
        return Arbitraries.integers().between(0, 64).flatMap(n -> Combinators.combine(
                        Arbitraries.integers().between(0, 80).set().ofSize(n),
                        Arbitraries.integers().between(-1, 200).list().ofSize(n),
                        Arbitraries.of(true, false, false, false),
                        Arbitraries.integers().between(0, guestNodes).list().ofSize(n),
                        Arbitraries.of(true, false))
                .as((indices, rawTids, sharedTids, nodes, reportNodes) -> {
                    List<Integer> index = List.copyOf(indices);
                    List<VcpuThread> out = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        int tid = sharedTids ? rawTids.get(i) : 1000 + index.get(i); // distinct unless shared
                        OptionalInt node = reportNodes ? OptionalInt.of(nodes.get(i)) : OptionalInt.empty();
                        out.add(new VcpuThread(index.get(i), tid, node));
                    }
                    return out;
                }));
    }
}
