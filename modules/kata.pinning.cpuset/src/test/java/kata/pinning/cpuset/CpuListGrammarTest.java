package kata.pinning.cpuset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The corners of the kernel's cpulist grammar, one named case each. */
class CpuListGrammarTest {

    static Arguments[] validLists() {
        return new Arguments[] {
            Arguments.argumentSet("empty string is the empty set", "", new int[0]),
            Arguments.argumentSet("only whitespace is the empty set", " \n", new int[0]),
            Arguments.argumentSet("single CPU", "5", new int[] {5}),
            Arguments.argumentSet("range", "0-3", new int[] {0, 1, 2, 3}),
            Arguments.argumentSet("one-CPU range 3-3", "3-3", new int[] {3}),
            Arguments.argumentSet("sysfs trailing newline", "0-1\n", new int[] {0, 1}),
            Arguments.argumentSet("surrounding blanks", "  2,4\t", new int[] {2, 4}),
            Arguments.argumentSet("overlapping tokens", "0-4,2-6", new int[] {0, 1, 2, 3, 4, 5, 6}),
            Arguments.argumentSet("unordered tokens", "9,1,5", new int[] {1, 5, 9}),
            Arguments.argumentSet("leading zeros", "007", new int[] {7}),
            Arguments.argumentSet("kernel doc stride 0-7:2/4", "0-7:2/4", new int[] {0, 1, 4, 5}),
            Arguments.argumentSet("kernel doc example 0-1023:2/256 (first and 257th pairs)", "0-1023:2/256",
                    new int[] {0, 1, 256, 257, 512, 513, 768, 769}),
            Arguments.argumentSet("stride cut by range end", "0-5:3/4", new int[] {0, 1, 2, 4, 5}),
            Arguments.argumentSet("stride using whole groups", "2-5:4/4", new int[] {2, 3, 4, 5}),
            Arguments.argumentSet("stride using none", "0-9:0/3", new int[0]),
            Arguments.argumentSet("largest CPU id", "8191", new int[] {8191}),
            Arguments.argumentSet("mixed forms", "0-3,8,10-11,16-23:1/4", new int[] {0, 1, 2, 3, 8, 10, 11, 16, 20}),
        };
    }

    @ParameterizedTest
    @MethodSource("validLists")
    void parsesToTheListedCpus(String text, int[] expected) {
        assertEquals(CpuSet.of(expected), CpuSet.parse(text));
    }

    static Arguments[] invalidLists() {
        return new Arguments[] {
            Arguments.argumentSet("empty token in the middle", "1,,2", "empty token", 2),
            Arguments.argumentSet("trailing comma", "1,", "empty token", 2),
            Arguments.argumentSet("leading comma", ",1", "empty token", 0),
            Arguments.argumentSet("reversed range", "3-1", "reversed range 3-1", 3),
            Arguments.argumentSet("negative number", "-1", "expected CPU id", 0),
            Arguments.argumentSet("plus sign", "+1", "expected CPU id", 0),
            Arguments.argumentSet("letters", "0-a", "expected range end", 2),
            Arguments.argumentSet("hex", "0x3", "unexpected character 'x'", 1),
            Arguments.argumentSet("double range", "1-2-3", "unexpected character '-'", 3),
            Arguments.argumentSet("blank inside the list", "1, 2", "expected CPU id", 2),
            Arguments.argumentSet("stride without group", "0-7:2", "stride needs the form", 5),
            Arguments.argumentSet("stride group 0", "0-7:0/0", "stride group size 0", 7),
            Arguments.argumentSet("stride uses more than its group", "0-7:5/4", "stride uses 5 CPUs of groups of 4", 7),
            Arguments.argumentSet("stride on a single CPU", "3:1/2", "unexpected character ':'", 1),
            Arguments.argumentSet("CPU above the bound", "8192", "CPU id 8192 is above the largest CPU id 8191", 0),
            Arguments.argumentSet("range end far above the bound", "0-4294967295",
                    "range end 4294967295 is above the largest CPU id 8191", 2),
            Arguments.argumentSet("stride number overflowing int", "0-7:99999999999/4", "stride used count", 4),
        };
    }

    @ParameterizedTest
    @MethodSource("invalidLists")
    void rejectsWithTheTokenAndOffset(String text, String problem, int offset) {
        CpuListFormatException e = assertThrows(CpuListFormatException.class, () -> CpuSet.parse(text));
        assertTrue(e.getMessage().contains(problem), () -> "message was: " + e.getMessage());
        assertEquals(offset, e.offset(), () -> "message was: " + e.getMessage());
        assertEquals(text, e.input());
        assertTrue(text.contains(e.token()), () -> "token " + e.token() + " not in " + text);
    }

    @Test
    void messageNamesTheOffendingToken() {
        CpuListFormatException e = assertThrows(CpuListFormatException.class, () -> CpuSet.parse("0-3,7-5,9"));
        assertEquals("7-5", e.token());
        assertEquals(
                "invalid cpulist \"0-3,7-5,9\": reversed range 7-5 in token \"7-5\" at offset 7", e.getMessage());
    }

    @Test
    void hugeRangeFailsFastWithoutAllocating() {
        String huge = "0-" + "9".repeat(100_000);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            assertThrows(CpuListFormatException.class, () -> CpuSet.parse(huge));
        });
    }

    @Test
    void nullIsRejectedWithAMessage() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> CpuSet.parse(null));
        assertEquals("cpulist is null", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0-1", "0,2-3", "0-8191"})
    void canonicalFormIsAFixedPoint(String canonical) {
        assertEquals(canonical, CpuSet.parse(canonical).toString());
    }

    @Test
    void canonicalFormJoinsRunsAcrossTokensAndWords() {
        assertEquals("0-2,4", CpuSet.parse("2,0,1,4").toString());
        assertEquals("60-70", CpuSet.parse("60-63,64-70").toString());
        assertEquals("0-1", CpuSet.of(1, 0).toString());
        assertEquals("", CpuSet.empty().toString());
    }

    @Test
    void fullRangeHasEveryCpu() {
        CpuSet all = CpuSet.parse("0-8191");
        assertEquals(8192, all.size());
        assertEquals(IntStream.rangeClosed(0, CpuSet.MAX_CPU).boxed().toList(), all.stream().boxed().toList());
    }
}
