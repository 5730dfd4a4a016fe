package kata.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import kata.pinning.cgroup.SandboxCgroup;
import kata.pinning.config.CgroupConfig;
import kata.pinning.config.KataConfig;
import kata.pinning.config.NumaConfig;
import kata.pinning.config.PinningPolicy;
import kata.pinning.config.PodConfig;
import kata.pinning.cpuset.CpuSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever the order of the builder's calls, {@code build()} makes the same sandbox: the same
 * settings, guest nodes, VMM, host view, cgroup and VMM move. The pod configuration comes from a
 * real Kata TOML file each time.
 */
class BuilderOrderProperties {

    private static Path dir;
    private static int files;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("builder-order");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (var tree = Files.walk(dir)) {
            for (Path p : tree.sorted(Collections.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** One builder call, named for the shrinker's report. */
    record Call(String name, Consumer<SandboxResources.Builder> apply) {
        @Override
        public String toString() {
            return name;
        }
    }

    @Property(tries = 200)
    void theOrderOfTheCallsNeverChangesTheSandbox(@ForAll("calls") List<Call> calls, @ForAll long seed) {
        List<Call> shuffled = new ArrayList<>(calls);
        Collections.shuffle(shuffled, new Random(seed));

        Sandbox one = build(calls);
        Sandbox other = build(shuffled);

        assertEquals(one.settings(), other.settings());
        assertEquals(one.nodes(), other.nodes());
        assertSame(one.wiring().vmm(), other.wiring().vmm());
        assertSame(one.wiring().cgroup().getClass(), other.wiring().cgroup().getClass());
        assertEquals(one.wiring().cgroup().toString(), other.wiring().cgroup().toString());
        assertEquals(one.wiring().moveVmm(), other.wiring().moveVmm());
        assertEquals(one.wiring().host().procRoot(), other.wiring().host().procRoot());
        assertSame(one.wiring().host().affinity(), other.wiring().host().affinity());
    }

    private static Sandbox build(List<Call> calls) {
        SandboxResources.Builder builder = SandboxResources.builder();
        calls.forEach(call -> call.apply().accept(builder));
        return builder.build().sandbox();
    }

    private static final FakeKernel KERNEL = new FakeKernel(new ArrayList<>(), FakeKernel.Generation.KEEPS_MASKS, tid -> null);
    private static final Vmm VMM = new FakeVmm(KERNEL, 2);
    private static final HostTopology TWO_NODES = HostTopology.of(Map.of(0, CpuSet.range(0, 3), 1, CpuSet.range(4, 7)));

    @Provide
    Arbitrary<List<Call>> calls() {
        List<Arbitrary<Call>> optional = List.of(
                Arbitraries.of(true, false).map(on -> new Call("pinningEnabled(" + on + ")", b -> b.pinningEnabled(on))),
                Arbitraries.of(PinningPolicy.class).map(p -> new Call("policy(" + p + ")", b -> b.policy(p))),
                Arbitraries.of(true, false).map(on -> new Call("numa(" + on + ")",
                        b -> b.numa(on ? new NumaConfig(true, List.of("1")) : NumaConfig.DISABLED))),
                Arbitraries.integers().between(1, 8).map(n -> new Call("defaultVcpus(" + n + ")", b -> b.defaultVcpus(n))),
                pods().map(pod -> new Call("config(" + pod + ")", b -> b.config(pod))),
                Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false))
                        .as((only, on) -> new Call("cgroupConfig(only=" + only + ", pinning=" + on + ")",
                                b -> b.cgroupConfig(new CgroupConfig("kata_sandboxed_pod/p", "kata_overhead/p", only, on)))),
                Arbitraries.just(new Call("cgroup(none)", b -> b.cgroup(SandboxCgroup.none()))),
                Arbitraries.just(new Call("procRoot(/host/proc)", b -> b.procRoot(Path.of("/host/proc")))),
                Arbitraries.just(new Call("affinity(fake)", b -> b.affinity(KERNEL))),
                Arbitraries.just(new Call("hostTopology(two nodes)", b -> b.hostTopology(TWO_NODES))),
                Arbitraries.just(new Call("sysfsRoot(/nowhere)", b -> b.sysfsRoot(Path.of("/nowhere")))));
        Call vmm = new Call("vmm(fake)", b -> b.vmm(VMM));
        Call affinity = new Call("affinity(fake)", b -> b.affinity(KERNEL)); // the real one may be unavailable
        Call topology = new Call("hostTopology(two nodes)", b -> b.hostTopology(TWO_NODES)); // NUMA needs a host
        return Combinators.combine(optional.stream().map(a -> a.optional()).toList()).as(chosen -> {
            List<Call> calls = new ArrayList<>(List.of(vmm, affinity, topology));
            chosen.forEach(c -> c.ifPresent(calls::add));
            return calls;
        });
    }

    /** Pod configurations from real TOML files: the enable flag, policy, NUMA, default_vcpus and cgroup layout. */
    private Arbitrary<PodConfig> pods() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of("exact", "fit"), Arbitraries.of(true, false),
                        Arbitraries.integers().between(1, 8), Arbitraries.of(true, false))
                .as((pinning, policy, numa, vcpus, only) -> KataConfig.load(write(String.join("\n",
                        "[hypervisor.qemu]",
                        "default_vcpus = " + vcpus,
                        "enable_numa = " + numa,
                        "[runtime]",
                        "enable_vcpus_pinning = " + pinning,
                        "vcpus_pinning_policy = \"" + policy + "\"",
                        "sandbox_cgroup_only = " + only))).forPod(Map.of()));
    }

    private static synchronized Path write(String toml) {
        try {
            Path file = Files.createDirectories(dir.resolve("c" + files++)).resolve("configuration.toml");
            return Files.writeString(file, toml + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
