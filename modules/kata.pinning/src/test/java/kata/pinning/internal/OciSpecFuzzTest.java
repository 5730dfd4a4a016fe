package kata.pinning.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import kata.pinning.CpuResources;

/**
 * Fuzzes the reading of an OCI {@code config.json}. Invariant: it gives the CPU resources, or an
 * {@link IllegalArgumentException} whose message starts with the file's name.
 */
class OciSpecFuzzTest {

    private static final String SOURCE = "bundle/config.json";

    @FuzzTest
    void cpuResources(byte[] input) {
        try {
            CpuResources resources = OciSpec.cpuResources(new String(input, UTF_8), SOURCE);
            assertTrue(resources.cpus() != null && resources.mems() != null);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith(SOURCE), e.getMessage());
        }
    }
}
