package kata.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import kata.pinning.PinningException.Kind;
import kata.pinning.SandboxStatus.PinState;
import kata.pinning.cpuset.CpuSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Random runs of a sandbox on fake kernel, VMM and cgroup: VM start, container add, update and
 * delete, vCPU hot-plug and unplug, injected failures (ESRCH and EPERM from the kernel, a foreign
 * thread id, a QMP or cgroup failure), and persist plus restore at random points, from the current
 * format or from the version 1 file kata-pinning 0.1 would have written. The VM start
 * moves the VMM into the sandbox cgroup (v1 or v2), where the fake kernel clamps its threads to the
 * cgroup's CPUs as Linux does, keeping their masks across cpuset changes (Linux 6.2 and later) or
 * not (before). After every step the threads' effective affinities, as the kernel reports them,
 * and the cgroup's values, as read back, must equal what a plain model says.
 */
class SandboxResourcesStatefulProperties {

    @Property(tries = 150)
    void aSandboxAlwaysAgreesWithTheModel(@ForAll("runs") ActionChain<World> run) {
        run.withInvariant("affinities, cgroup, containers and pin state match the model", World::matchesModel)
                .withInvariant("no two vCPUs left on one single CPU", World::noTwoVcpusShareOneSingleCpu)
                .run();
    }

    @Provide
    Arbitrary<ActionChain<World>> runs() {
        Arbitrary<Boolean> enabled = Arbitraries.of(true, true, true, false);
        return Combinators.combine(enabled, Arbitraries.of(FakeCgroup.Version.class), Arbitraries.of(FakeKernel.Generation.class))
                .flatAs((on, version, generation) -> ActionChain
                .startWith(() -> new World(on, version, generation))
                .withAction(1, action(w -> !w.model.vmStarted, w -> faults(w).map(f -> Transformer.mutate(
                        "start VM" + f, world -> world.startVm(f)))))
                .withAction(3, action(w -> w.model.containers.size() < 4, w -> Combinators.combine(resources(), faults(w))
                        .as((r, f) -> Transformer.mutate("add c" + w.nextId + " " + r + f,
                                world -> world.event(new ContainerEvent.Added("c" + world.nextId++, r), f)))))
                .withAction(3, action(w -> !w.model.containers.isEmpty(), w -> Combinators.combine(
                                Arbitraries.of(List.copyOf(w.model.containers.keySet())), resourcesOrSame(), faults(w))
                        .as((id, r, f) -> {
                            CpuResources next = r.orElse(w.model.containers.get(id));
                            return Transformer.mutate("update " + id + " " + next + f,
                                    world -> world.event(new ContainerEvent.Updated(id, next), f));
                        })))
                .withAction(2, action(w -> !w.model.containers.isEmpty(), w -> Combinators.combine(
                                Arbitraries.of(List.copyOf(w.model.containers.keySet())), faults(w))
                        .as((id, f) -> Transformer.mutate("delete " + id + f,
                                world -> world.event(new ContainerEvent.Deleted(id), f)))))
                .withAction(1, action(w -> w.host.vmm.vcpusNow().size() < 5,
                        w -> Arbitraries.just(Transformer.mutate("hot-plug a vCPU", World::plug))))
                .withAction(1, action(w -> !w.host.vmm.vcpusNow().isEmpty(),
                        w -> Arbitraries.integers().between(0, w.host.vmm.vcpusNow().size() - 1)
                                .map(i -> Transformer.mutate("hot-unplug vCPU #" + i, world -> world.unplug(i)))))
                .withAction(1, action(w -> true, w -> Arbitraries.of(true, false).map(legacy -> Transformer.mutate(
                        legacy ? "persist as version 1 and restore" : "persist and restore",
                        world -> world.persistAndRestore(legacy)))))
                .withMaxTransformations(30));
    }

    private static Action.Dependent<World> action(Predicate<World> when,
                                                  Function<World, Arbitrary<Transformer<World>>> transformers) {
        return new Action.Dependent<>() {
            @Override
            public boolean precondition(World world) {
                return when.test(world);
            }

            @Override
            public Arbitrary<Transformer<World>> transformer(World world) {
                return transformers.apply(world);
            }
        };
    }

    /** Container cpusets from a small range, so that counts often match and sometimes do not. */
    private static Arbitrary<CpuResources> resources() {
        Arbitrary<CpuSet> cpus = Arbitraries.integers().between(0, 5).set().ofMaxSize(4).map(CpuSet::of);
        Arbitrary<CpuSet> mems = Arbitraries.integers().between(0, 1).set().ofMaxSize(1).map(CpuSet::of);
        return Combinators.combine(cpus, mems).as(CpuResources::new);
    }

    /** New resources, or (as a CPU-quota-only update does) the same ones. */
    private static Arbitrary<Optional<CpuResources>> resourcesOrSame() {
        return Arbitraries.oneOf(resources().map(Optional::of), Arbitraries.just(Optional.empty()));
    }

    /** No fault most of the time; else one of the faults that fit the world now. */
    private static Arbitrary<Fault> faults(World w) {
        List<Arbitrary<Fault>> faults = new ArrayList<>(List.of(
                Arbitraries.just(Fault.NONE), Arbitraries.just(Fault.NONE), Arbitraries.just(Fault.NONE),
                Arbitraries.just(new Fault.Qmp()), Arbitraries.just(new Fault.Cgroup())));
        List<VcpuThread> vcpus = w.host.vmm.vcpusNow();
        if (!vcpus.isEmpty()) {
            Arbitrary<Integer> position = Arbitraries.integers().between(0, vcpus.size() - 1);
            faults.add(Combinators.combine(position, Arbitraries.of("ESRCH", "EPERM"))
                    .as((i, errno) -> new Fault.Kernel(vcpus.get(i).threadId(), errno)));
            faults.add(position.map(Fault.Foreign::new));
        }
        return Arbitraries.oneOf(faults);
    }

    /** One fault injected into one operation. */
    sealed interface Fault {
        Fault NONE = new None();

        record None() implements Fault {
            @Override
            public String toString() {
                return "";
            }
        }

        /** The next affinity call on {@code tid} fails with {@code errno}. */
        record Kernel(int tid, String errno) implements Fault {
            @Override
            public String toString() {
                return " [" + errno + " on thread " + tid + "]";
            }
        }

        /** The next query reports a thread of another process for the vCPU at {@code position}. */
        record Foreign(int position) implements Fault {
            @Override
            public String toString() {
                return " [foreign thread for vCPU #" + position + "]";
            }
        }

        record Qmp() implements Fault {
            @Override
            public String toString() {
                return " [QMP fails]";
            }
        }

        record Cgroup() implements Fault {
            @Override
            public String toString() {
                return " [cgroup write fails]";
            }
        }
    }

    /** The system under test, its fakes, and the model it is checked against. */
    static final class World {

        final FakeHost host;
        final boolean enabled;
        final Model model;
        /** A thread of another process, which the sandbox must never touch. */
        final int outsider;
        SandboxResources sandbox;
        int nextId = 1;
        boolean lastOperationFailed;

        World(boolean enabled, FakeCgroup.Version version, FakeKernel.Generation generation) {
            this.host = new FakeHost(2, version, generation);
            this.outsider = host.kernel.spawn(FakeVmm.OWN_AFFINITY);
            this.enabled = enabled;
            this.model = new Model(enabled, version, generation, host);
            this.sandbox = host.builderMovingVmmIn(enabled).build();
        }

        void startVm(Fault fault) {
            model.vmStarted = true; // even when the step fails, the VM runs
            operate(fault, true, true, sandbox::vmStarted);
        }

        void event(ContainerEvent event, Fault fault) {
            Map<String, CpuResources> before = new TreeMap<>(model.containers);
            CpuResources unionBefore = model.union();
            switch (event) {
                case ContainerEvent.Added added -> model.containers.put(added.containerId(), added.resources());
                case ContainerEvent.Updated updated -> model.containers.put(updated.containerId(), updated.resources());
                case ContainerEvent.Deleted deleted -> model.containers.remove(deleted.containerId());
            }
            boolean unionChanged = !model.union().equals(unionBefore);
            Kind failure = operate(fault, unionChanged, false, () -> sandbox.update(event));
            if (failure != null) {
                model.containers.clear();
                model.containers.putAll(before);
            }
            if (unionChanged && (failure == Kind.FOREIGN_THREAD || failure == Kind.AFFINITY)) {
                model.cgroupRolledBack(); // it failed after the cgroup write
            }
        }

        /** Runs one operation with its fault, checking the failure and the system calls the model predicts. */
        private Kind operate(Fault fault, boolean unionChanged, boolean startsVm, Runnable operation) {
            List<VcpuThread> reported = inject(fault);
            Model.Prediction predicted = model.step(fault, unionChanged, startsVm, reported);
            int logFrom = host.log.size();
            int cgroupWritesBefore = host.cgroup.writes().size();
            Kind actual = null;
            try {
                operation.run();
            } catch (PinningException e) {
                actual = e.kind();
            }
            host.kernel.clearFailures();
            host.vmm.clearFailures();
            host.cgroup.clearFailure();
            assertEquals(predicted.failure(), actual, "failure of the operation");
            if (!predicted.syscalls()) {
                assertEquals(List.of(), host.setsSince(logFrom), "no affinity system call expected");
            }
            if (actual == null && !unionChanged) {
                assertEquals(cgroupWritesBefore, host.cgroup.writes().size(), "unchanged cpusets skip the cgroup write");
            }
            lastOperationFailed = actual != null;
            return actual;
        }

        /** Arms the fault; returns the vCPUs the sandbox's first query will see. */
        private List<VcpuThread> inject(Fault fault) {
            List<VcpuThread> reported = host.vmm.vcpusNow();
            switch (fault) {
                case Fault.None _ -> {
                    // nothing to arm
                }
                case Fault.Kernel kernel -> host.kernel.failNextSet(kernel.tid(), kernel.errno());
                case Fault.Foreign foreign -> {
                    List<VcpuThread> lying = new ArrayList<>(reported);
                    lying.set(foreign.position(), new VcpuThread(lying.get(foreign.position()).index(), outsider));
                    reported = List.copyOf(lying);
                    host.vmm.answerNext(reported);
                }
                case Fault.Qmp _ -> host.vmm.failNextQuery(new IOException("QMP socket closed"));
                case Fault.Cgroup _ -> host.cgroup.failNextApply();
            }
            return reported;
        }

        void plug() {
            VcpuThread vcpu = host.vmm.plug();
            model.requested.put(vcpu.threadId(), CpuSet.empty()); // it asked for nothing yet
        }

        void unplug(int position) {
            int tid = host.vmm.vcpusNow().get(position).threadId();
            host.vmm.unplug(position);
            model.requested.remove(tid);
        }

        /** Restores from what persist() wrote, or from the version 1 file 0.1 would have written of it. */
        void persistAndRestore(boolean asVersionOne) {
            SandboxStatus before = sandbox.status();
            String json = sandbox.persist();
            sandbox = host.builderMovingVmmIn(enabled).restore(asVersionOne ? versionOne(json) : json);
            SandboxStatus after = sandbox.status();
            assertEquals(before.containers(), after.containers());
            assertEquals(before.pinState(), after.pinState());
            assertEquals(before.vmStarted(), after.vmStarted());
            assertEquals(before.vcpus(), after.vcpus());
            if (model.vmStarted && enabled) {
                model.inForce = new LinkedHashMap<>(model.effectiveAffinities()); // read back from the kernel
            } else {
                model.inForce = Map.of();
            }
        }

        /** The fields a version 1 state had: no NUMA, no default_vcpus, no plans, no outcome. */
        private static String versionOne(String json) {
            ObjectNode state = (ObjectNode) JsonMapper.builder().build().readTree(json);
            state.put("version", 1);
            List.of("numa", "defaultVcpus", "desired", "inForce", "outcome", "reason").forEach(state::remove);
            return state.toString();
        }

        void matchesModel() {
            Map<Integer, CpuSet> actual = new HashMap<>();
            host.vmm.vcpusNow().forEach(v -> actual.put(v.threadId(), host.kernel.affinityOf(v.threadId())));
            assertEquals(model.effectiveAffinities(), actual, "vCPU thread affinities");
            assertEquals(model.cgroupValues(), new CpuResources(host.cgroup.cpus(), host.cgroup.mems()),
                    "the sandbox cgroup's cpuset.cpus and cpuset.mems");
            assertEquals(FakeVmm.OWN_AFFINITY, host.kernel.affinityOf(outsider), "a foreign thread is never touched");
            SandboxStatus status = sandbox.status();
            assertEquals(model.containers, status.containers(), "containers");
            assertEquals(model.pinState, status.pinState(), "pin state");
        }

        /** Two vCPUs on one single CPU only when the whole target is that CPU, as after a reset to a one-CPU union. */
        void noTwoVcpusShareOneSingleCpu() {
            if (lastOperationFailed) {
                return; // a failed reset may leave a thread behind; the next check retries it
            }
            Map<CpuSet, Integer> seen = new HashMap<>();
            for (VcpuThread vcpu : host.vmm.vcpusNow()) {
                CpuSet cpus = host.kernel.affinityOf(vcpu.threadId());
                if (cpus.size() == 1 && seen.put(cpus, vcpu.threadId()) != null) {
                    assertEquals(cpus, model.union().cpus(), "vCPUs share single CPU " + cpus);
                }
            }
        }

        @Override
        public String toString() {
            return "World[pinning " + (enabled ? "enabled" : "disabled") + ", " + model + "]";
        }
    }

    /**
     * The rule, restated plainly: pin when every vCPU has its own thread and the counts match;
     * otherwise, if pinned before, give every thread the union (or the VMM's own affinity when the
     * union is empty). A plan equal to the one in force makes no system call. The sandbox cgroup
     * holds the union, or once no container constrains it the unconstrained value (v1: the
     * parent's, v2: empty); a thread of the VMM in it runs on the CPUs it asked for that the cgroup
     * allows, or on all of those when none is or it never asked.
     */
    static final class Model {

        /** What an operation must do: fail with this kind (or succeed), and whether it calls set. */
        record Prediction(Kind failure, boolean syscalls) {
        }

        final boolean enabled;
        final FakeCgroup.Version version;
        final FakeKernel.Generation generation;
        final FakeHost host;
        final Map<String, CpuResources> containers = new TreeMap<>();
        /** Every live vCPU thread's mask, as last asked of the kernel; empty until it is asked. */
        final Map<Integer, CpuSet> requested = new HashMap<>();
        Map<Integer, CpuSet> inForce = Map.of();
        PinState pinState = PinState.UNPINNED;
        boolean vmStarted;
        /** Whether the sandbox cgroup was created. */
        boolean cgroupCreated;
        /** Whether the VMM process was moved into the sandbox cgroup. */
        boolean vmmInCgroup;
        /** The CPUs the sandbox cgroup lets its tasks use, as last written. */
        CpuSet cgroupCpus = FakeHost.PARENT.cpus();

        Model(boolean enabled, FakeCgroup.Version version, FakeKernel.Generation generation, FakeHost host) {
            this.enabled = enabled;
            this.version = version;
            this.generation = generation;
            this.host = host;
            host.vmm.vcpusNow().forEach(v -> requested.put(v.threadId(), CpuSet.empty()));
        }

        /** {@return what the cgroup's files hold: the union, or the unconstrained value for an empty set} */
        CpuResources cgroupValues() {
            if (!cgroupCreated) {
                return CpuResources.NONE;
            }
            CpuResources union = union();
            return new CpuResources(orUnconstrained(union.cpus(), FakeHost.PARENT.cpus()),
                    orUnconstrained(union.mems(), FakeHost.PARENT.mems()));
        }

        private CpuSet orUnconstrained(CpuSet value, CpuSet parent) {
            return !value.isEmpty() ? value : version == FakeCgroup.Version.V1 ? parent : CpuSet.empty();
        }

        /** {@return the CPUs a VMM thread that asked for {@code mask} (empty: nothing) runs on} */
        CpuSet effective(CpuSet mask) {
            if (!vmmInCgroup) {
                return mask.isEmpty() ? FakeVmm.OWN_AFFINITY : mask;
            }
            CpuSet allowed = mask.intersection(cgroupCpus);
            return allowed.isEmpty() ? cgroupCpus : allowed;
        }

        /** The cgroup gets the union; a change of its CPUs reaches the VMM's threads in it. */
        private void unionWritten() {
            cgroupCreated = true;
            CpuSet cpus = union().cpus().isEmpty() ? FakeHost.PARENT.cpus() : union().cpus();
            if (vmmInCgroup && !cpus.equals(cgroupCpus)) {
                forgetMasksOnOldKernels();
            }
            cgroupCpus = cpus;
        }

        /** A failed update wrote the previous union back: the plan in force is unknown. */
        void cgroupRolledBack() {
            unionWritten();
            inForce = Map.of();
        }

        private void forgetMasksOnOldKernels() {
            if (generation == FakeKernel.Generation.FORGETS_MASKS) {
                requested.replaceAll((tid, mask) -> CpuSet.empty());
            }
        }

        /** {@return every live vCPU thread's effective affinity} */
        Map<Integer, CpuSet> effectiveAffinities() {
            Map<Integer, CpuSet> effective = new HashMap<>();
            requested.forEach((tid, mask) -> effective.put(tid, effective(mask)));
            return effective;
        }

        CpuResources union() {
            CpuResources union = CpuResources.NONE;
            for (CpuResources r : containers.values()) {
                union = union.union(r);
            }
            return union;
        }

        Prediction step(Fault fault, boolean unionChanged, boolean startsVm, List<VcpuThread> reported) {
            boolean asksVmm = vmStarted && enabled;
            if (fault instanceof Fault.Qmp && asksVmm) {
                return new Prediction(Kind.VMM_QUERY, false);
            }
            if (fault instanceof Fault.Cgroup && unionChanged) {
                return new Prediction(Kind.CGROUP, false);
            }
            if (unionChanged) {
                unionWritten();
            }
            if (startsVm) {
                vmmInCgroup = true;
                forgetMasksOnOldKernels();
            }
            if (!asksVmm) {
                return new Prediction(null, false);
            }
            List<Integer> threads = reported.stream().filter(v -> v.threadId() > 0)
                    .sorted((a, b) -> Integer.compare(a.index(), b.index())).map(VcpuThread::threadId).toList();
            List<Integer> distinct = threads.stream().distinct().toList();
            CpuSet union = union().cpus();
            Map<Integer, CpuSet> plan = new LinkedHashMap<>();
            boolean pin = !threads.isEmpty() && distinct.size() == threads.size() && threads.size() == union.size();
            CpuSet target = union.isEmpty() ? FakeVmm.OWN_AFFINITY : union;
            if (pin) {
                for (int i = 0; i < threads.size(); i++) {
                    plan.put(threads.get(i), CpuSet.of(union.nth(i)));
                }
            } else if (pinState != PinState.UNPINNED) {
                distinct.forEach(tid -> plan.put(tid, target));
            }
            if (plan.isEmpty()) {
                return new Prediction(null, false);
            }
            Map<Integer, CpuSet> now = effectiveAffinities(); // what the reconciler reads from the kernel
            if (plan.entrySet().stream().allMatch(e -> e.getValue().equals(now.get(e.getKey())))) {
                pinState = pin ? PinState.PINNED : union.isEmpty() ? PinState.UNPINNED : PinState.RESET;
                return new Prediction(null, false); // the kernel already has the plan: nothing is set
            }
            if (!plan.keySet().stream().allMatch(host.vmm::hasTask)) {
                return new Prediction(Kind.FOREIGN_THREAD, false);
            }
            // Only threads whose affinity differs from the plan are set, so only they can fail.
            if (fault instanceof Fault.Kernel kernel && plan.containsKey(kernel.tid())
                    && !plan.get(kernel.tid()).equals(now.get(kernel.tid()))) {
                inForce = Map.of();
                if (pin) { // the partial pin is undone: every vCPU thread to the union
                    plan.keySet().forEach(tid -> requested.put(tid, union));
                    pinState = PinState.RESET;
                } else { // every other thread is reset; the failing one keeps its affinity
                    plan.forEach((tid, cpus) -> {
                        if (tid != kernel.tid() && !cpus.equals(now.get(tid))) {
                            requested.put(tid, cpus);
                        }
                    });
                }
                return new Prediction(Kind.AFFINITY, true);
            }
            plan.forEach((tid, cpus) -> {
                if (!cpus.equals(now.get(tid))) { // a thread that has its plan already is not set
                    requested.put(tid, cpus);
                }
            });
            inForce = plan;
            pinState = pin ? PinState.PINNED : union.isEmpty() ? PinState.UNPINNED : PinState.RESET;
            return new Prediction(null, true);
        }

        @Override
        public String toString() {
            return "containers " + containers + ", " + pinState + ", requested " + requested + ", cgroup " + cgroupValues();
        }
    }
}
