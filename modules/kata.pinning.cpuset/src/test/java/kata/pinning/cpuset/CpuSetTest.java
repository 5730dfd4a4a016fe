package kata.pinning.cpuset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuSetTest {

    @Test
    void queriesOnASet() {
        CpuSet s = CpuSet.parse("3,8-10,70");
        assertEquals(5, s.size());
        assertEquals(3, s.first());
        assertEquals(70, s.last());
        assertEquals(8, s.nth(1));
        assertEquals(70, s.nth(4));
        assertTrue(s.contains(9));
        assertFalse(s.contains(4));
        assertFalse(s.contains(-1));
        assertFalse(s.contains(100_000));
        assertArrayEquals(new int[] {3, 8, 9, 10, 70}, s.toArray());
    }

    @Test
    void iterationIsAscending() {
        List<Integer> seen = new ArrayList<>();
        CpuSet.parse("130,0,64-65").forEach(seen::add);
        assertEquals(List.of(0, 64, 65, 130), seen);
    }

    @Test
    void emptySetHasNoFirstLastOrNth() {
        CpuSet empty = CpuSet.empty();
        assertTrue(empty.isEmpty());
        assertThrows(NoSuchElementException.class, empty::first);
        assertThrows(NoSuchElementException.class, empty::last);
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> CpuSet.of(1).nth(1));
        assertEquals("no CPU at index 1 in a set of 1", e.getMessage());
    }

    @Test
    void unionOfManyListsIsTheSandboxCpuset() {
        assertEquals(CpuSet.parse("0-5,8"), CpuSet.unionOf(List.of("0-1", "2-5\n", "", "8")));
        assertEquals(CpuSet.empty(), CpuSet.unionOf(List.of()));
    }

    @Test
    void unionOfManyListsNamesTheBadOne() {
        CpuListFormatException e =
                assertThrows(CpuListFormatException.class, () -> CpuSet.unionOf("0-1", "2,,3"));
        assertEquals("2,,3", e.input());
    }

    @Test
    void wordsFollowTheKernelMaskLayout() {
        CpuSet s = CpuSet.of(0, 63, 64, 129);
        assertArrayEquals(new long[] {0x8000_0000_0000_0001L, 1L, 2L}, s.toWords());
        assertEquals(s, CpuSet.fromWords(0x8000_0000_0000_0001L, 1L, 2L, 0L, 0L));
    }

    @Test
    void wordReadsTheMaskInPlaceAndIsZeroPastTheLastCpu() {
        CpuSet s = CpuSet.of(0, 63, 64, 129);
        assertEquals(0x8000_0000_0000_0001L, s.word(0));
        assertEquals(2L, s.word(2));
        assertEquals(0L, s.word(3));
        assertEquals(0L, CpuSet.empty().word(0));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> s.word(-1));
        assertEquals("negative word index -1", e.getMessage());
    }

    @Test
    void wordsBeyondTheBoundAreRejected() {
        long[] words = new long[129];
        words[128] = 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuSet.fromWords(words));
        assertEquals("CPU 8192 is above 8191", e.getMessage());
    }

    @Test
    void factoriesRejectOutOfRangeIds() {
        assertThrows(IllegalArgumentException.class, () -> CpuSet.of(-1));
        assertThrows(IllegalArgumentException.class, () -> CpuSet.of(8192));
        assertThrows(IllegalArgumentException.class, () -> CpuSet.range(5, 4));
        assertEquals(CpuSet.parse("5-9"), CpuSet.range(5, 9));
    }

    @Test
    void hostCpusComeFromSysfs() {
        CpuSet online = HostCpus.online();
        CpuSet possible = HostCpus.possible();
        assertFalse(online.isEmpty());
        assertTrue(possible.containsAll(online), () -> "possible " + possible + " lacks online " + online);
        assertTrue(Runtime.getRuntime().availableProcessors() <= online.size());
    }

    @Test
    void readingACgroupStyleFileTrimsTheNewline(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cpuset.cpus");
        Files.writeString(file, "0-2,7\n");
        assertEquals(CpuSet.parse("0-2,7"), HostCpus.read(file));
    }
}
