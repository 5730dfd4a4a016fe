package kata.pinning.cpuset;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the cpulist grammar. Invariant: any text either parses, and then its printed form parses
 * back to the same set and prints the same again, or fails with {@link CpuListFormatException}
 * that carries the whole input and says so in its message.
 */
class CpuListFuzzTest {

    @FuzzTest
    void parsePrintParse(byte[] input) {
        String text = new String(input, UTF_8);
        CpuSet parsed;
        try {
            parsed = CpuSet.parse(text);
        } catch (CpuListFormatException e) {
            assertEquals(text, e.input());
            assertTrue(e.getMessage().startsWith("invalid cpulist \""), e.getMessage());
            return;
        }
        String printed = parsed.toString();
        CpuSet reparsed = CpuSet.parse(printed);
        assertEquals(parsed, reparsed, printed);
        assertEquals(printed, reparsed.toString());
        assertTrue(parsed.isEmpty() || parsed.last() <= CpuSet.MAX_CPU);
    }
}
