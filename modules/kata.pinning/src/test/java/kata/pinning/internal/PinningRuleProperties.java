package kata.pinning.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import kata.pinning.VcpuThread;
import kata.pinning.cpuset.CpuSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the pure pinning rule, over random vCPU maps, unions and states. */
class PinningRuleProperties {

    /** All inputs of the rule but the last applied plan. */
    record Inputs(boolean enabled, List<VcpuThread> vcpus, CpuSet union, boolean pinnedBefore, CpuSet vmmAffinity) {
        Decision decide() {
            return decide(Map.of());
        }

        Decision decide(Map<Integer, CpuSet> lastApplied) {
            return PinningRule.decide(enabled, vcpus, union, pinnedBefore, vmmAffinity, lastApplied);
        }

        List<VcpuThread> threads() {
            return vcpus.stream().filter(v -> v.threadId() > 0).sorted(Comparator.comparingInt(VcpuThread::index)).toList();
        }

        boolean threadsDistinct() {
            return threads().stream().map(VcpuThread::threadId).distinct().count() == threads().size();
        }
    }

    @Property
    void pinIsABijectionBetweenVcpusAndTheUnionInIndexOrder(@ForAll("matchingInputs") Inputs in) {
        Decision.Pin pin = assertInstanceOf(Decision.Pin.class, in.decide());
        List<VcpuThread> byIndex = in.threads();
        List<Assignment> assignments = pin.assignments();
        assertEquals(byIndex.size(), assignments.size());
        for (int i = 0; i < assignments.size(); i++) {
            assertEquals(byIndex.get(i).index(), assignments.get(i).vcpuIndex());
            assertEquals(byIndex.get(i).threadId(), assignments.get(i).threadId());
            assertEquals(in.union().nth(i), assignments.get(i).cpu(), "vCPU i gets the i-th smallest CPU");
        }
        assertEquals(in.union(), pin.cpus(), "every CPU of the union is used");
        assertEquals(assignments.size(), pin.plan().size(), "no thread is pinned twice");
    }

    @Property
    void pinOnlyWhenEnabledAndCountsEqualAndThreadsDistinct(@ForAll("inputs") Inputs in) {
        if (in.decide() instanceof Decision.Pin) {
            assertTrue(in.enabled());
            assertEquals(in.union().size(), in.threads().size());
            assertTrue(in.threadsDistinct());
        }
    }

    @Property
    void everyPossiblePinIsTaken(@ForAll("inputs") Inputs in) {
        boolean possible = in.enabled() && !in.threads().isEmpty() && in.threadsDistinct()
                && in.threads().size() == in.union().size();
        assertEquals(possible, in.decide() instanceof Decision.Pin);
    }

    @Property
    void resetOnlyWhenPinnedBefore(@ForAll("inputs") Inputs in) {
        if (in.decide() instanceof Decision.Reset) {
            assertTrue(in.pinnedBefore());
        }
    }

    @Property
    void mismatchWhilePinnedAlwaysResets(@ForAll("inputs") Inputs in) {
        Decision decision = in.decide();
        if (in.enabled() && in.pinnedBefore() && !in.threads().isEmpty() && !(decision instanceof Decision.Pin)) {
            assertInstanceOf(Decision.Reset.class, decision);
        }
    }

    @Property
    void resetGivesEveryThreadTheUnionOrTheVmmAffinityWhenTheUnionIsEmpty(@ForAll("inputs") Inputs in) {
        if (in.decide() instanceof Decision.Reset reset) {
            CpuSet expected = in.union().isEmpty() ? in.vmmAffinity() : in.union();
            assertEquals(expected, reset.cpus());
            assertEquals(in.union().isEmpty(), reset.toVmmAffinity());
            assertEquals(in.threads().stream().map(VcpuThread::threadId).distinct().toList(), reset.threadIds());
            assertTrue(reset.plan().values().stream().allMatch(expected::equals));
        }
    }

    @Property
    void disabledAlwaysSkips(@ForAll("inputs") Inputs in) {
        Inputs disabled = new Inputs(false, in.vcpus(), in.union(), in.pinnedBefore(), in.vmmAffinity());
        assertEquals(new Decision.Skip("vCPU pinning is disabled"), disabled.decide());
    }

    @Property
    void threadIdsBelowOneNeverChangeTheDecision(@ForAll("inputs") Inputs in,
                                                 @ForAll("threadlessVcpuCount") int extra) {
        List<VcpuThread> padded = new ArrayList<>(in.vcpus());
        int nextIndex = in.vcpus().stream().mapToInt(VcpuThread::index).max().orElse(-1) + 1;
        for (int i = 0; i < extra; i++) {
            padded.add(i % 2 == 0 ? 0 : 1, new VcpuThread(nextIndex + i, -i));
        }
        Inputs withThreadless = new Inputs(in.enabled(), padded, in.union(), in.pinnedBefore(), in.vmmAffinity());
        assertEquals(in.decide(), withThreadless.decide());
    }

    @Property
    void thePlanInForceIsNotAppliedAgain(@ForAll("inputs") Inputs in) {
        Decision first = in.decide();
        Decision again = in.decide(first.plan());
        if (first instanceof Decision.Pin || first instanceof Decision.Reset) {
            assertEquals(new Decision.Unchanged(first), again);
            assertEquals(Map.of(), again.plan());
        } else {
            assertEquals(first, again);
        }
    }

    @Property
    void aDifferentPlanInForceIsReplaced(@ForAll("inputs") Inputs in, @ForAll("plans") Map<Integer, CpuSet> inForce) {
        Decision first = in.decide();
        if (!first.plan().equals(inForce)) {
            assertEquals(first, in.decide(inForce));
        }
    }

    // --- generators ---------------------------------------------------------------------------

    @Provide
    Arbitrary<Inputs> inputs() {
        return Combinators.combine(Arbitraries.of(true, true, true, false), vcpuMaps(), cpuSets(0, 10),
                        Arbitraries.of(true, false), cpuSets(1, 10))
                .as(Inputs::new);
    }

    /** Inputs where a pin is possible: enabled, distinct threads, as many CPUs as threads. */
    @Provide
    Arbitrary<Inputs> matchingInputs() {
        return distinctIndices(1, 10).flatMap(indices -> Combinators.combine(
                        Arbitraries.integers().between(1, 1_000_000).set().ofSize(indices.size()),
                        Arbitraries.integers().between(0, 255).set().ofSize(indices.size()),
                        Arbitraries.of(true, false), cpuSets(1, 10))
                .as((tids, cpus, pinnedBefore, vmm) -> {
                    List<Integer> threadIds = List.copyOf(tids);
                    List<VcpuThread> vcpus = IntStream.range(0, indices.size())
                            .mapToObj(i -> new VcpuThread(indices.get(i), threadIds.get(i)))
                            .toList();
                    return new Inputs(true, vcpus, CpuSet.of(cpus), pinnedBefore, vmm);
                }));
    }

    /**
     * vCPUs in random order, with index holes, and thread ids from a small pool so that shared
     * and missing (0 or less) thread ids both happen.
     */
    private Arbitrary<List<VcpuThread>> vcpuMaps() {
        return distinctIndices(0, 8).flatMap(indices -> Arbitraries.integers().between(-1, 12)
                .list().ofSize(indices.size())
                .map(tids -> IntStream.range(0, indices.size())
                        .mapToObj(i -> new VcpuThread(indices.get(i), tids.get(i)))
                        .collect(Collectors.toList())))
                .flatMap(list -> Arbitraries.shuffle(list));
    }

    /** Distinct vCPU indices below 16, so that hot-unplug holes occur. */
    private Arbitrary<List<Integer>> distinctIndices(int min, int max) {
        return Arbitraries.integers().between(0, 15).set().ofMinSize(min).ofMaxSize(max).map(List::copyOf);
    }

    private Arbitrary<CpuSet> cpuSets(int min, int max) {
        return Arbitraries.integers().between(0, 15).set().ofMinSize(min).ofMaxSize(max).map(CpuSet::of);
    }

    @Provide
    Arbitrary<Map<Integer, CpuSet>> plans() {
        return Arbitraries.maps(Arbitraries.integers().between(1, 12), cpuSets(1, 4)).ofMaxSize(6);
    }

    @Provide
    Arbitrary<Integer> threadlessVcpuCount() {
        return Arbitraries.integers().between(1, 4);
    }
}
