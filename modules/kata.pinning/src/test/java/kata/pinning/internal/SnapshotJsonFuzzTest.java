package kata.pinning.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import kata.pinning.config.NumaConfig;
import kata.pinning.config.PinningPolicy;

/**
 * Fuzzes the state file. Invariant: a text is read, and then what is written of it reads back to
 * the same sandbox; or it fails with an {@link IllegalArgumentException} that says it is the
 * persisted state and names the field.
 */
class SnapshotJsonFuzzTest {

    private static final SandboxSettings DEFAULTS = new SandboxSettings(true, PinningPolicy.EXACT, NumaConfig.DISABLED, 1);

    @FuzzTest
    void readWriteRead(byte[] input) {
        SnapshotJson.Persisted read;
        try {
            read = SnapshotJson.read(new String(input, UTF_8), DEFAULTS);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith("persisted sandbox state"), e.getMessage());
            return;
        }
        String written = SnapshotJson.write(read.settings(), read.snapshot());
        SnapshotJson.Persisted again = SnapshotJson.read(written, DEFAULTS);
        assertEquals(read.settings(), again.settings(), written);
        assertEquals(read.snapshot(), again.snapshot(), written);
    }
}
