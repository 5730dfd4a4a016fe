package kata.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import kata.pinning.SandboxStatus.Outcome;
import kata.pinning.SandboxStatus.PinState;
import kata.pinning.config.NumaConfig;
import kata.pinning.config.PinningPolicy;
import kata.pinning.cpuset.CpuSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties 5 and 7 of the placement on whole sandboxes (fake kernel and VMM): random runs of
 * cpuset changes and vCPU hot-plug under both policies, with and without guest NUMA.
 */
class SandboxPlacementProperties {

    /** Two host nodes within the fake cgroup parent's CPUs 0-6, each a proper part of the VMM's own affinity 0-7. */
    private static final HostTopology HOST = HostTopology.of(Map.of(0, CpuSet.range(0, 3), 1, CpuSet.range(4, 6)));

    /** One step of a run. */
    sealed interface Step {
        /** The one container's cpuset becomes {@code cpus} (possibly empty). */
        record Cpuset(CpuSet cpus) implements Step {
        }

        /** A vCPU is hot-plugged. */
        record Plug() implements Step {
        }

        /** The vCPU at position {@code i} (modulo the count) is hot-unplugged. */
        record Unplug(int i) implements Step {
        }
    }

    @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
    void placedThreadsFollowTheUnionAndARecheckSetsNothing(@ForAll PinningPolicy policy, @ForAll boolean numa,
                                                           @ForAll("runs") List<Step> run) {
        FakeHost host = new FakeHost(2);
        SandboxResources sandbox = host.builder(true).policy(policy)
                .numa(numa ? new NumaConfig(true, List.of()) : NumaConfig.DISABLED).hostTopology(HOST).build();
        sandbox.vmStarted();
        sandbox.update(new ContainerEvent.Added("c1", CpuResources.NONE));
        CpuSet union = CpuSet.empty();
        boolean placed = numa; // with NUMA, vm-started already gives every vCPU its node's CPUs
        for (Step step : run) {
            switch (step) {
                case Step.Cpuset cpuset -> union = cpuset.cpus();
                case Step.Plug _ -> host.vmm.plug();
                case Step.Unplug unplug -> {
                    if (host.vmm.vcpusNow().size() > 1) {
                        host.vmm.unplug(unplug.i() % host.vmm.vcpusNow().size());
                    }
                }
            }
            sandbox.update(new ContainerEvent.Updated("c1", new CpuResources(union, CpuSet.empty())));
            SandboxStatus status = sandbox.status();
            placed |= status.lastOutcome() == Outcome.PLACED || status.lastOutcome() == Outcome.WIDENED;
            if (union.isEmpty() && !numa) {
                placed = false; // back on the VMM's own affinity
            }
            assertPlacement(host, policy, numa, union, placed, status);

            int from = host.log.size();
            sandbox.update(new ContainerEvent.Updated("c1", new CpuResources(union, CpuSet.empty())));
            assertEquals(List.of(), host.setsSince(from), "a re-check of an unchanged sandbox sets nothing");
        }
    }

    private static void assertPlacement(FakeHost host, PinningPolicy policy, boolean numa, CpuSet union, boolean placed,
                                        SandboxStatus status) {
        List<CpuSet> affinities = host.vcpuAffinities();
        if (!union.isEmpty() && (policy == PinningPolicy.FIT || placed)) {
            for (CpuSet cpus : affinities) {
                assertTrue(union.containsAll(cpus), "a thread holds " + cpus + " outside the union " + union);
            }
        }
        if (union.isEmpty() && numa) {
            for (CpuSet cpus : affinities) {
                assertTrue(HOST.nodes().containsValue(cpus), "with NUMA and no cpuset a thread holds " + cpus);
            }
        }
        if (policy == PinningPolicy.FIT && !union.isEmpty()) {
            assertEquals(PinState.PINNED, status.pinState());
        }
        if (policy == PinningPolicy.FIT && !union.isEmpty()) {
            // A surplus vCPU's mask may be one CPU too (a one-CPU union, or its node's one CPU in
            // the union), but always the pin of another vCPU: count the distinct single CPUs.
            long pins = affinities.stream().filter(cpus -> cpus.size() == 1).distinct().count();
            assertEquals(Math.min(affinities.size(), union.size()), pins, "CPUs that are some vCPU's pin");
        }
    }

    @Provide
    Arbitrary<List<Step>> runs() {
        Arbitrary<Step> cpuset = Arbitraries.integers().between(0, 6).set().ofMaxSize(6).map(CpuSet::of).map(Step.Cpuset::new);
        Arbitrary<Step> plug = Arbitraries.just(new Step.Plug());
        Arbitrary<Step> unplug = Arbitraries.integers().between(0, 7).map(Step.Unplug::new);
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(4, cpuset), net.jqwik.api.Tuple.of(1, plug), net.jqwik.api.Tuple.of(1, unplug))
                .list().ofMaxSize(15);
    }
}
