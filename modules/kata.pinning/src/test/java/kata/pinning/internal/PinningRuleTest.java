package kata.pinning.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import kata.pinning.VcpuThread;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The decision table of docs/design.md, one named row per case. */
class PinningRuleTest {

    private static final CpuSet VMM = CpuSet.parse("0-7");
    private static final List<VcpuThread> TWO = List.of(new VcpuThread(0, 101), new VcpuThread(1, 102));

    static Stream<Arguments> table() {
        return Stream.of(
                argumentSet("disabled", false, TWO, "0-1", true,
                        new Decision.Skip("vCPU pinning is disabled")),
                argumentSet("no vCPU threads", true, List.of(new VcpuThread(0, 0)), "0-1", true,
                        new Decision.Skip("no vCPU thread ids reported")),
                argumentSet("counts equal", true, TWO, "4,6", false,
                        new Decision.Pin(List.of(new Assignment(0, 101, 4), new Assignment(1, 102, 6)),
                                "2 vCPUs for 2 CPUs (4,6): one vCPU per CPU")),
                argumentSet("index holes, reported out of order", true,
                        List.of(new VcpuThread(5, 105), new VcpuThread(0, 100), new VcpuThread(2, 102)), "1-3", false,
                        new Decision.Pin(List.of(new Assignment(0, 100, 1), new Assignment(2, 102, 2),
                                new Assignment(5, 105, 3)), "3 vCPUs for 3 CPUs (1-3): one vCPU per CPU")),
                argumentSet("counts differ, never pinned", true, TWO, "0-2", false,
                        new Decision.Skip("2 vCPUs for 3 CPUs (0-2); nothing pinned, nothing to undo")),
                argumentSet("counts differ, pinned before", true, TWO, "0-2", true,
                        new Decision.Reset(List.of(101, 102), CpuSet.parse("0-2"), false,
                                "2 vCPUs for 3 CPUs (0-2); reset to the union 0-2")),
                argumentSet("more vCPUs than CPUs, pinned before", true, TWO, "3", true,
                        new Decision.Reset(List.of(101, 102), CpuSet.of(3), false,
                                "2 vCPUs for 1 CPU (3); reset to the union 3")),
                argumentSet("no cpuset, never pinned", true, TWO, "", false,
                        new Decision.Skip("no container has a cpuset; nothing pinned, nothing to undo")),
                argumentSet("no cpuset, pinned before", true, TWO, "", true,
                        new Decision.Reset(List.of(101, 102), VMM, true,
                                "no container has a cpuset; reset to the VMM's own affinity 0-7")),
                argumentSet("one shared thread, never pinned", true, List.of(new VcpuThread(0, 101), new VcpuThread(1, 101)), "0-1", false,
                        new Decision.Skip("vCPUs 0 and 1 share thread 101; nothing pinned, nothing to undo")),
                argumentSet("one shared thread, pinned before", true, List.of(new VcpuThread(0, 101), new VcpuThread(1, 101)), "0-1", true,
                        new Decision.Reset(List.of(101), CpuSet.parse("0-1"), false,
                                "vCPUs 0 and 1 share thread 101; reset to the union 0-1")));
    }

    @ParameterizedTest
    @MethodSource("table")
    void decides(boolean enabled, List<VcpuThread> vcpus, String union, boolean pinnedBefore, Decision expected) {
        assertEquals(expected, PinningRule.decide(enabled, vcpus, CpuSet.parse(union), pinnedBefore, VMM, Map.of()));
    }

    @Test
    void thePinInForceIsUnchanged() {
        Decision pin = PinningRule.decide(true, TWO, CpuSet.parse("0-1"), false, VMM, Map.of());
        Decision again = PinningRule.decide(true, TWO, CpuSet.parse("0-1"), true, VMM,
                Map.of(101, CpuSet.of(0), 102, CpuSet.of(1)));
        assertEquals(new Decision.Unchanged(pin), again);
        assertEquals("already in force: 2 vCPUs for 2 CPUs (0-1): one vCPU per CPU", again.reason());
    }

    @Test
    void resetToAnUnknownVmmAffinityIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> PinningRule.decide(true, TWO, CpuSet.empty(), true, CpuSet.empty(), Map.of()));
    }
}
