package kata.pinning.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import kata.pinning.VcpuThread;
import kata.pinning.config.PinningPolicy;
import kata.pinning.cpuset.CpuSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of Kata's count rule, the {@code exact} policy without NUMA, over random vCPU maps,
 * unions and states. These are the properties the rule had before it became a case of the one
 * {@link Planner}; the two about a plan already in force are properties of the reconciler now
 * ({@code ReconcilerProperties}), since "already in force" is what it finds in the kernel.
 */
class ExactRuleProperties {

    /** All inputs of the rule. */
    record Inputs(boolean enabled, List<VcpuThread> vcpus, CpuSet union, boolean pinnedBefore, CpuSet vmmAffinity) {
        Plan decide() {
            return Planner.plan(new Planner.Request(enabled, PinningPolicy.EXACT, vcpus, union, GuestNodes.NONE,
                    vmmAffinity, pinnedBefore));
        }

        List<VcpuThread> threads() {
            return vcpus.stream().filter(v -> v.threadId() > 0).sorted(Comparator.comparingInt(VcpuThread::index)).toList();
        }

        boolean threadsDistinct() {
            return threads().stream().map(VcpuThread::threadId).distinct().count() == threads().size();
        }
    }

    private static boolean isReset(Plan plan) {
        return plan.effect() == Plan.Effect.MASKS || plan.effect() == Plan.Effect.VMM_AFFINITY;
    }

    @Property
    void pinIsABijectionBetweenVcpusAndTheUnionInIndexOrder(@ForAll("matchingInputs") Inputs in) {
        Plan pin = in.decide();
        assertEquals(Plan.Effect.PINS, pin.effect());
        List<VcpuThread> byIndex = in.threads();
        List<VcpuPlacement> assignments = pin.placements();
        assertEquals(byIndex.size(), assignments.size());
        for (int i = 0; i < assignments.size(); i++) {
            assertEquals(byIndex.get(i).index(), assignments.get(i).vcpuIndex());
            assertEquals(byIndex.get(i).threadId(), assignments.get(i).threadId());
            assertEquals(CpuSet.of(in.union().nth(i)), assignments.get(i).cpus(), "vCPU i gets the i-th smallest CPU");
            assertTrue(assignments.get(i).pinned());
        }
        assertEquals(in.union(), assignments.stream().map(VcpuPlacement::cpus).reduce(CpuSet.empty(), CpuSet::union),
                "every CPU of the union is used");
        assertEquals(assignments.size(), pin.byThread().size(), "no thread is pinned twice");
    }

    @Property
    void pinOnlyWhenEnabledAndCountsEqualAndThreadsDistinct(@ForAll("inputs") Inputs in) {
        if (in.decide().effect() == Plan.Effect.PINS) {
            assertTrue(in.enabled());
            assertEquals(in.union().size(), in.threads().size());
            assertTrue(in.threadsDistinct());
        }
    }

    @Property
    void everyPossiblePinIsTaken(@ForAll("inputs") Inputs in) {
        boolean possible = in.enabled() && !in.threads().isEmpty() && in.threadsDistinct()
                && in.threads().size() == in.union().size();
        assertEquals(possible, in.decide().effect() == Plan.Effect.PINS);
    }

    @Property
    void resetOnlyWhenPinnedBefore(@ForAll("inputs") Inputs in) {
        if (isReset(in.decide())) {
            assertTrue(in.pinnedBefore());
        }
    }

    @Property
    void mismatchWhilePinnedAlwaysResets(@ForAll("inputs") Inputs in) {
        Plan plan = in.decide();
        if (in.enabled() && in.pinnedBefore() && !in.threads().isEmpty() && plan.effect() != Plan.Effect.PINS) {
            assertTrue(isReset(plan), plan::toString);
        }
    }

    @Property
    void resetGivesEveryThreadTheUnionOrTheVmmAffinityWhenTheUnionIsEmpty(@ForAll("inputs") Inputs in) {
        Plan reset = in.decide();
        if (isReset(reset)) {
            CpuSet expected = in.union().isEmpty() ? in.vmmAffinity() : in.union();
            assertEquals(in.union().isEmpty(), reset.effect() == Plan.Effect.VMM_AFFINITY);
            assertEquals(in.threads().stream().map(VcpuThread::threadId).distinct().toList(),
                    List.copyOf(reset.byThread().keySet()));
            assertTrue(reset.byThread().values().stream().allMatch(expected::equals));
        }
    }

    @Property
    void disabledAlwaysSkips(@ForAll("inputs") Inputs in) {
        Inputs disabled = new Inputs(false, in.vcpus(), in.union(), in.pinnedBefore(), in.vmmAffinity());
        assertEquals(Plan.none("vCPU pinning is disabled"), disabled.decide());
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
    void aFailedPinFallsBackToTheUnionForEveryThreadItPlaced(@ForAll("matchingInputs") Inputs in) {
        Plan pin = in.decide();
        Plan fallback = Planner.fallback(pin);
        assertEquals(Plan.Effect.MASKS, fallback.effect());
        assertEquals(pin.byThread().keySet(), fallback.byThread().keySet());
        assertTrue(fallback.byThread().values().stream().allMatch(in.union()::equals));
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
    Arbitrary<Integer> threadlessVcpuCount() {
        return Arbitraries.integers().between(1, 4);
    }
}
