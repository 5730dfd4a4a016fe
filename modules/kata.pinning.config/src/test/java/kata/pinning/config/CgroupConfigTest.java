package kata.pinning.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Per-sandbox cgroup paths derived as runtime-rs derives them. */
class CgroupConfigTest {

    private static final CgroupConfig CONFIG = new CgroupConfig("kata_sandboxed_pod", "kata_overhead", false, true);

    @Test
    void withoutAnOciPathTheSandboxGoesUnderKataSandboxedPod() {
        assertEquals(new CgroupConfig("kata_sandboxed_pod/sb1", "kata_overhead/sb1", false, true),
                CONFIG.forSandbox("sb1", Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /kubepods/burstable/pod1/sb1                      | kubepods/burstable/pod1/sb1                       | kata_overhead/sb1
            kubepods/pod1/sb1                                 | kubepods/pod1/sb1                                 | kata_overhead/sb1
            //kubepods/sb1                                    | kubepods/sb1                                      | kata_overhead/sb1
            kubepods-burstable-pod1.slice:cri-containerd:sb1 | kubepods-burstable-pod1.slice:cri-containerd:sb1 | kata-overhead.slice:runtime-rs:sb1
            system.slice:a:b:c                                | system.slice:a:b:c                                | kata_overhead/sb1
            """)
    void theOciPathLosesItsLeadingSlashesAndChoosesTheOverheadForm(String oci, String sandbox, String overhead) {
        CgroupConfig derived = CONFIG.forSandbox("sb1", Optional.of(oci));

        assertEquals(new CgroupConfig(sandbox, overhead, false, true), derived);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "  "})
    void aBlankOciPathFallsBackInsteadOfUsingTheRootCgroup(String oci) {
        assertEquals("kata_sandboxed_pod/sb1", CONFIG.forSandbox("sb1", Optional.of(oci)).sandboxPath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "a:b"})
    void aSandboxIdThatIsNotAPathComponentIsRejected(String id) {
        assertThrows(IllegalArgumentException.class, () -> CONFIG.forSandbox(id, Optional.empty()));
    }

    @Test
    void anOciPathThatClimbsOutIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> CONFIG.forSandbox("sb1", Optional.of("/kubepods/../../etc")));
    }

    @Test
    void theFlagsSurviveDerivationAndOnlyThePinningFlagChanges() {
        CgroupConfig onlySandbox = new CgroupConfig("p", "o", true, false);

        assertEquals(new CgroupConfig("kata_sandboxed_pod/x", "kata_overhead/x", true, false),
                onlySandbox.forSandbox("x", Optional.empty()));
        assertEquals(new CgroupConfig("p", "o", true, true), onlySandbox.withEnableVcpusPinning(true));
    }

    @Test
    void absolutePathsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new CgroupConfig("/sys/fs/cgroup/x", "o", false, false));
    }
}
