package kata.pinning;

import static kata.pinning.SandboxResourcesTest.add;
import static kata.pinning.SandboxResourcesTest.sets;
import static kata.pinning.SandboxResourcesTest.updateTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import kata.pinning.SandboxStatus.Outcome;
import kata.pinning.SandboxStatus.PinState;
import kata.pinning.config.NumaConfig;
import kata.pinning.config.PinningPolicy;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.Test;

/** The placement policies and guest NUMA on a whole sandbox, on the fake kernel and VMM. */
class SandboxPlacementTest {

    private static final HostTopology TWO_NODES = HostTopology.of(Map.of(0, CpuSet.range(0, 3), 1, CpuSet.range(4, 7)));

    @Test
    void fitPinsWhatFitsAndPutsTheSurplusOnTheUnion() {
        FakeHost host = new FakeHost(3);
        SandboxResources sandbox = host.builder(true).policy(PinningPolicy.FIT).build();
        sandbox.vmStarted();
        sandbox.update(add("c1", "0-1"));
        SandboxStatus status = sandbox.status();
        assertEquals(sets("0", "1", "0-1"), host.vcpuAffinities());
        assertEquals("3 vCPUs for 2 CPUs (0-1): 2 pinned, 1 on the union", status.lastReason());
        assertEquals(Outcome.PLACED, status.lastOutcome());
        assertEquals(PinState.PINNED, status.pinState());
        assertEquals(PinningPolicy.FIT, status.policy());
        assertEquals(List.of(true, true, false), status.vcpus().stream().map(SandboxStatus.VcpuStatus::pinned).toList());
    }

    @Test
    void fitNeverLeavesASurplusVcpuOnAStaleCpuWhenTheCpusetShrinks() {
        FakeHost host = new FakeHost(4);
        SandboxResources sandbox = host.builder(true).policy(PinningPolicy.FIT).build();
        sandbox.vmStarted();
        sandbox.update(add("c1", "0-3"));
        assertEquals(sets("0", "1", "2", "3"), host.vcpuAffinities());
        sandbox.update(updateTo("c1", "1-3"));
        // runtime-rs #13300 re-pins vCPUs 0-2 to 1-3 and leaves vCPU 3 on CPU 3, beside vCPU 2.
        assertEquals(sets("1", "2", "3", "1-3"), host.vcpuAffinities());
    }

    @Test
    void aRecheckSetsOnlyTheThreadsThatDiffer() {
        FakeHost host = new FakeHost(3);
        SandboxResources sandbox = host.builder(true).policy(PinningPolicy.FIT).build();
        sandbox.vmStarted();
        sandbox.update(add("c1", "0-1"));
        int third = host.vmm.vcpusNow().get(2).threadId();
        host.kernel.set(third, CpuSet.of(5)); // someone else moved one thread
        int from = host.log.size();
        sandbox.update(updateTo("c1", "0-1"));
        assertEquals(List.of("set " + third + " 0-1"), host.setsSince(from));
    }

    @Test
    void numaWithoutACpusetGivesEachVcpuItsNodesCpusFromVmStartedOn() {
        FakeHost host = new FakeHost(4);
        SandboxResources sandbox = host.builder(true).numa(new NumaConfig(true, List.of())).hostTopology(TWO_NODES).build();
        sandbox.vmStarted();
        assertEquals(sets("0-3", "0-3", "4-7", "4-7"), host.vcpuAffinities(), "a proportional split: two vCPUs per node");
        assertEquals(PinState.RESET, sandbox.status().pinState());
        assertEquals(Outcome.WIDENED, sandbox.status().lastOutcome());
        sandbox.update(add("c1", "2-3,4-5"));
        assertEquals(sets("2", "3", "4", "5"), host.vcpuAffinities(), "exact: four vCPUs for four CPUs, within their nodes");
        sandbox.update(updateTo("c1", "2-3,4"));
        assertEquals(sets("2-4", "2-4", "2-4", "2-4"), host.vcpuAffinities(), "exact: a mismatch resets to the union");
    }

    @Test
    void theStateFileKeepsThePolicyTheSandboxWasCreatedWith() {
        FakeHost host = new FakeHost(3);
        SandboxResources sandbox = host.builder(true).policy(PinningPolicy.FIT).build();
        sandbox.vmStarted();
        sandbox.update(add("c1", "0-1"));
        SandboxResources restored = host.builder(true).policy(PinningPolicy.EXACT).restore(sandbox.persist());
        assertEquals(PinningPolicy.FIT, restored.status().policy());
        restored.update(add("c2", "2"));
        assertEquals(sets("0", "1", "2"), host.vcpuAffinities());
    }
}
