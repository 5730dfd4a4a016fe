package kata.pinning.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import kata.pinning.cpuset.CpuSet;
import kata.pinning.cpuset.HostCpus;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Setting then reading a real thread's affinity, for random CPU sets. */
class SetThenGetProperties {

    private static final ThreadAffinity AFFINITY = ThreadAffinity.linux();
    private static final CpuSet ALLOWED = LinuxThreads.processAffinity();
    private static Worker worker;

    @BeforeContainer
    static void startWorker() {
        worker = new Worker();
    }

    @AfterContainer
    static void stopWorker() throws InterruptedException {
        worker.close();
    }

    @Property(tries = 50)
    void setThenGetIsIdentity(@ForAll("allowedSubsets") CpuSet cpus) {
        AFFINITY.set(worker.tid(), cpus);
        assertEquals(cpus, AFFINITY.get(worker.tid()));
        assertEquals(cpus, ProcFs.cpusAllowed(ProcessHandle.current().pid(), worker.tid()));
    }

    @Property(tries = 50)
    void cpusBeyondThePossibleOnesAreDropped(@ForAll("allowedSubsets") CpuSet cpus,
                                             @ForAll("impossibleCpus") CpuSet impossible) {
        AFFINITY.set(worker.tid(), cpus.union(impossible));
        assertEquals(cpus, AFFINITY.get(worker.tid()));
    }

    @Provide
    Arbitrary<CpuSet> allowedSubsets() {
        return Arbitraries.subsetOf(ALLOWED.stream().boxed().toList()).ofMinSize(1).map(CpuSet::of);
    }

    @Provide
    Arbitrary<CpuSet> impossibleCpus() {
        return Arbitraries.integers().between(HostCpus.possible().last() + 1, CpuSet.MAX_CPU)
                .set().ofMinSize(1).ofMaxSize(32).map(CpuSet::of);
    }
}
