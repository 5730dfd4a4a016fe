package kata.pinning.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import kata.pinning.VcpuThread;
import kata.pinning.config.PinningPolicy;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The decision table of docs/design.md for the {@code exact} policy without NUMA, one named row per case. */
class ExactRuleTest {

    private static final CpuSet VMM = CpuSet.parse("0-7");
    private static final List<VcpuThread> TWO = List.of(new VcpuThread(0, 101), new VcpuThread(1, 102));

    private static VcpuPlacement pin(int index, int tid, int cpu) {
        return new VcpuPlacement(index, tid, OptionalInt.empty(), CpuSet.of(cpu), true);
    }

    private static VcpuPlacement on(int index, int tid, String cpus) {
        return new VcpuPlacement(index, tid, OptionalInt.empty(), CpuSet.parse(cpus), false);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                argumentSet("disabled", false, TWO, "0-1", true,
                        Plan.none("vCPU pinning is disabled")),
                argumentSet("no vCPU threads", true, List.of(new VcpuThread(0, 0)), "0-1", true,
                        Plan.none("no vCPU thread ids reported")),
                argumentSet("counts equal", true, TWO, "4,6", false,
                        new Plan(Plan.Effect.PINS, List.of(pin(0, 101, 4), pin(1, 102, 6)), CpuSet.parse("4,6"),
                                "2 vCPUs for 2 CPUs (4,6): one vCPU per CPU")),
                argumentSet("index holes, reported out of order", true,
                        List.of(new VcpuThread(5, 105), new VcpuThread(0, 100), new VcpuThread(2, 102)), "1-3", false,
                        new Plan(Plan.Effect.PINS, List.of(pin(0, 100, 1), pin(2, 102, 2), pin(5, 105, 3)),
                                CpuSet.parse("1-3"), "3 vCPUs for 3 CPUs (1-3): one vCPU per CPU")),
                argumentSet("counts differ, never pinned", true, TWO, "0-2", false,
                        Plan.none("2 vCPUs for 3 CPUs (0-2); nothing pinned, nothing to undo")),
                argumentSet("counts differ, pinned before", true, TWO, "0-2", true,
                        new Plan(Plan.Effect.MASKS, List.of(on(0, 101, "0-2"), on(1, 102, "0-2")), CpuSet.parse("0-2"),
                                "2 vCPUs for 3 CPUs (0-2); reset to the union 0-2")),
                argumentSet("more vCPUs than CPUs, pinned before", true, TWO, "3", true,
                        new Plan(Plan.Effect.MASKS, List.of(on(0, 101, "3"), on(1, 102, "3")), CpuSet.of(3),
                                "2 vCPUs for 1 CPU (3); reset to the union 3")),
                argumentSet("no cpuset, never pinned", true, TWO, "", false,
                        Plan.none("no container has a cpuset; nothing pinned, nothing to undo")),
                argumentSet("no cpuset, pinned before", true, TWO, "", true,
                        new Plan(Plan.Effect.VMM_AFFINITY, List.of(on(0, 101, "0-7"), on(1, 102, "0-7")), CpuSet.empty(),
                                "no container has a cpuset; reset to the VMM's own affinity 0-7")),
                argumentSet("one shared thread, never pinned", true, List.of(new VcpuThread(0, 101), new VcpuThread(1, 101)), "0-1", false,
                        Plan.none("vCPUs 0 and 1 share thread 101; nothing pinned, nothing to undo")),
                argumentSet("one shared thread, pinned before", true, List.of(new VcpuThread(0, 101), new VcpuThread(1, 101)), "0-1", true,
                        new Plan(Plan.Effect.MASKS, List.of(on(0, 101, "0-1"), on(1, 101, "0-1")), CpuSet.parse("0-1"),
                                "vCPUs 0 and 1 share thread 101; reset to the union 0-1")));
    }

    @ParameterizedTest
    @MethodSource("table")
    void plans(boolean enabled, List<VcpuThread> vcpus, String union, boolean pinnedBefore, Plan expected) {
        assertEquals(expected, Planner.plan(new Planner.Request(enabled, PinningPolicy.EXACT, vcpus, CpuSet.parse(union),
                GuestNodes.NONE, VMM, pinnedBefore)));
    }

    @Test
    void aFailedPinFallsBackToEveryThreadOnTheUnion() {
        Plan pin = Planner.plan(new Planner.Request(true, PinningPolicy.EXACT, TWO, CpuSet.parse("4,6"), GuestNodes.NONE,
                VMM, false));

        assertEquals(new Plan(Plan.Effect.MASKS, List.of(on(0, 101, "4,6"), on(1, 102, "4,6")), CpuSet.parse("4,6"),
                "every vCPU thread back on the union 4,6"), Planner.fallback(pin));
    }

    @Test
    void onlyAPlanWithPinsFallsBack() {
        Plan reset = Planner.plan(new Planner.Request(true, PinningPolicy.EXACT, TWO, CpuSet.parse("0-2"), GuestNodes.NONE,
                VMM, true));
        assertThrows(IllegalArgumentException.class, () -> Planner.fallback(reset));
    }

    @Test
    void resetToAnUnknownVmmAffinityIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Planner.plan(new Planner.Request(true, PinningPolicy.EXACT, TWO,
                CpuSet.empty(), GuestNodes.NONE, CpuSet.empty(), true)));
    }
}
