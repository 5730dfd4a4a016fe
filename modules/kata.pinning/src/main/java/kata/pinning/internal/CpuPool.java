package kata.pinning.internal;

import java.util.BitSet;
import java.util.OptionalInt;
import kata.pinning.cpuset.CpuSet;

/**
 * The CPUs of a union not handed out yet. Each CPU is handed out at most once, whichever
 * {@link Cursor} asks for it: the one guarantee the NUMA assignment rests on.
 */
final class CpuPool {

    private final BitSet free = new BitSet();

    /** A pool holding every CPU of {@code cpus}. */
    CpuPool(CpuSet cpus) {
        cpus.stream().forEach(free::set);
    }

    /**
     * {@return a cursor that hands out the CPUs of {@code candidates} still in this pool, lowest first}
     *
     * @param candidates the CPUs this cursor may take; CPUs outside the pool are never handed out
     */
    Cursor cursor(CpuSet candidates) {
        return new Cursor(candidates.toArray());
    }

    /** Walks a fixed list of candidates once, so that a whole pass costs one walk of the list. */
    final class Cursor {
        private final int[] candidates;
        private int next;

        private Cursor(int[] candidates) {
            this.candidates = candidates;
        }

        /** {@return the lowest candidate still in the pool, taken out of it; empty when none is left} */
        OptionalInt take() {
            while (next < candidates.length) {
                int cpu = candidates[next++];
                if (free.get(cpu)) {
                    free.clear(cpu);
                    return OptionalInt.of(cpu);
                }
            }
            return OptionalInt.empty();
        }
    }
}
