package kata.pinning.benchmarks;

import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cpuset.CpuSet;

/** Counts the affinity set calls that pass through it; for one benchmark thread at a time. */
final class CountingAffinity implements ThreadAffinity {

    private final ThreadAffinity delegate;
    private long sets;

    CountingAffinity(ThreadAffinity delegate) {
        this.delegate = delegate;
    }

    @Override
    public CpuSet get(int tid) {
        return delegate.get(tid);
    }

    /** {@return the sets so far: a check reads every thread's affinity, and sets only what differs} */
    long sets() {
        return sets;
    }

    @Override
    public void set(int tid, CpuSet cpus) {
        sets++;
        delegate.set(tid, cpus);
    }
}
