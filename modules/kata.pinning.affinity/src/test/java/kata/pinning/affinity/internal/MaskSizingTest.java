package kata.pinning.affinity.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import kata.pinning.affinity.LinuxThreads;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.cpuset.HostCpus;
import org.junit.jupiter.api.Test;

/** How {@link LinuxThreadAffinity} sizes its masks, checked against the real kernel. */
class MaskSizingTest {

    private final int tid = LinuxThreads.currentThreadId();
    private final CpuSet mine = ThreadAffinity.linux().get(tid);

    @Test
    void masksStartAtTheWordsOfTheHighestPossibleCpu() {
        int possibleWords = HostCpus.possible().last() / 64 + 1;

        assertEquals(possibleWords, LinuxThreadAffinity.possibleCpuWords());
    }

    @Test
    void getGrowsATooSmallMaskUntilTheKernelTakesItAndKeepsThatSize() {
        // A 0-byte mask is smaller than any kernel's, so the first call gets EINVAL, as a
        // 1024-CPU mask would on a host with more possible CPUs.
        LinuxThreadAffinity affinity = new LinuxThreadAffinity(0);

        assertEquals(mine, affinity.get(tid));
        assertEquals(LinuxThreadAffinity.possibleCpuWords(), affinity.getMaskWords());
    }

    @Test
    void setMaskCoversTheHighestRequestedCpuWhateverTheKernelSize() {
        LinuxThreadAffinity affinity = new LinuxThreadAffinity(0);

        affinity.set(tid, mine.union(CpuSet.of(CpuSet.MAX_CPU)));

        assertEquals(mine, affinity.get(tid));
    }

    @Test
    void negativeMaskSizeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LinuxThreadAffinity(-1));
    }
}
