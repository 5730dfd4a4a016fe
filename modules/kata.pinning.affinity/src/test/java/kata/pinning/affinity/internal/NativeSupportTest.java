package kata.pinning.affinity.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The checks that decide, before any linking, whether the bindings may be used. */
class NativeSupportTest {

    private static final String FLAG = "--enable-native-access=kata.pinning.affinity";

    @Test
    void flagNamesThisModuleOnTheModulePath() {
        assertEquals(FLAG, NativeSupport.flag());
    }

    @Test
    void anotherOperatingSystemIsRefusedWithTheFlagInTheMessage() {
        String reason = NativeSupport.explain(NativeSupport.refusal("Windows 11", true).orElseThrow());
        String message = NativeSupport.unavailable(reason).getMessage();

        assertTrue(reason.startsWith("the operating system is Windows 11;"), reason);
        assertTrue(message.contains("needs Linux"), message);
        assertTrue(message.contains(FLAG), message);
    }

    @Test
    void missingNativeAccessIsRefusedNamingTheFlag() {
        String reason = NativeSupport.explain(NativeSupport.refusal("Linux", false).orElseThrow());

        assertTrue(reason.startsWith("native access is not enabled;"), reason);
        assertTrue(reason.endsWith(FLAG), reason);
    }

    @Test
    void linuxWithNativeAccessMayLink() {
        assertEquals(Optional.empty(), NativeSupport.refusal("Linux", true));
        assertEquals(Optional.empty(), NativeSupport.unavailableReason());
    }
}
