package kata.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.internal.Plan;
import kata.pinning.internal.VcpuPlacement;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The reconciler on a fake kernel, over random plans and random affinities the threads had before:
 * a plan already in force costs no set call, and any other state is replaced by the plan, with one
 * set call per thread that differed. These were properties of the pinning rule's "last applied"
 * input before the reconciler found what is in force in the kernel itself.
 */
class ReconcilerProperties {

    /** Three threads' targets: CPU sets drawn from a small range so that "already there" happens. */
    record Case(List<CpuSet> before, List<CpuSet> targets) {
    }

    @Property
    void thePlanInForceIsNotAppliedAgain(@ForAll("cases") Case c) {
        FakeKernel kernel = kernel();
        List<Integer> tids = spawn(kernel, c.before());
        Reconciler reconciler = new Reconciler(HostView.of(Path.of("/proc"), kernel));
        Plan plan = plan(tids, c.targets());
        reconciler.apply(plan);
        int setsBefore = kernel.sets();

        Reconciler.Applied again = reconciler.apply(plan);

        assertEquals(Map.of(), again.set());
        assertEquals(plan.byThread().size(), again.kept());
        assertEquals(setsBefore, kernel.sets(), "no set call for a plan in force");
    }

    @Property
    void aDifferentStateIsReplacedByThePlanWithOneSetPerDifferingThread(@ForAll("cases") Case c) {
        FakeKernel kernel = kernel();
        List<Integer> tids = spawn(kernel, c.before());
        Plan plan = plan(tids, c.targets());
        Map<Integer, CpuSet> differing = new HashMap<>();
        plan.byThread().forEach((tid, cpus) -> {
            if (!cpus.equals(kernel.affinityOf(tid))) {
                differing.put(tid, cpus);
            }
        });

        Reconciler.Applied applied = new Reconciler(HostView.of(Path.of("/proc"), kernel)).apply(plan);

        assertEquals(differing, applied.set());
        assertEquals(differing.size(), kernel.sets());
        plan.byThread().forEach((tid, cpus) -> assertEquals(cpus, kernel.affinityOf(tid)));
    }

    private static FakeKernel kernel() {
        return new FakeKernel(new ArrayList<>(), FakeKernel.Generation.KEEPS_MASKS, tid -> null);
    }

    private static List<Integer> spawn(FakeKernel kernel, List<CpuSet> inherited) {
        return inherited.stream().map(kernel::spawn).toList();
    }

    private static Plan plan(List<Integer> tids, List<CpuSet> targets) {
        List<VcpuPlacement> placements = new ArrayList<>();
        for (int i = 0; i < tids.size(); i++) {
            CpuSet cpus = targets.get(i);
            placements.add(new VcpuPlacement(i, tids.get(i), OptionalInt.empty(), cpus, false));
        }
        return new Plan(Plan.Effect.MASKS, placements, CpuSet.range(0, 3), "test plan");
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<CpuSet> sets = Arbitraries.integers().between(0, 3).set().ofMinSize(1).ofMaxSize(2).map(CpuSet::of);
        return sets.list().ofSize(3).flatMap(before -> sets.list().ofSize(3).map(targets -> new Case(before, targets)));
    }
}
