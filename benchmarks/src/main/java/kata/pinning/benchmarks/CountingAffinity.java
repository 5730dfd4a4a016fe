package kata.pinning.benchmarks;

import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cpuset.CpuSet;

/** Counts the affinity system calls that pass through it; for one benchmark thread at a time. */
final class CountingAffinity implements ThreadAffinity {

    private final ThreadAffinity delegate;
    private long calls;

    CountingAffinity(ThreadAffinity delegate) {
        this.delegate = delegate;
    }

    /** {@return the gets and sets so far} */
    long calls() {
        return calls;
    }

    @Override
    public CpuSet get(int tid) {
        calls++;
        return delegate.get(tid);
    }

    @Override
    public void set(int tid, CpuSet cpus) {
        calls++;
        delegate.set(tid, cpus);
    }
}
