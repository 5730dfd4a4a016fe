package kata.pinning.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import kata.pinning.config.PinningSetting.Source;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The per-pod view: annotation keys, accepted spellings, precedence, and errors. */
class PodAnnotationTest {

    private static final String KEY = PodConfig.PINNING_ANNOTATION;
    private static final String GO_KEY = PodConfig.GO_PINNING_ANNOTATION;

    @TempDir
    Path dir;

    private KataConfig pinningOff;
    private KataConfig pinningOn;

    @BeforeEach
    void load() {
        pinningOff = KataConfig.load(Toml.write(dir.resolve("off"), "configuration.toml",
                "[hypervisor.qemu]", "default_vcpus = 2", "[runtime]", "enable_vcpus_pinning = false"), 4);
        pinningOn = KataConfig.load(Toml.write(dir.resolve("on"), "configuration.toml",
                "[hypervisor.qemu]", "default_vcpus = 2", "[runtime]", "enable_vcpus_pinning = true"), 4);
    }

    @Test
    void theKeysAreTheRuntimeRsAndGoRuntimeOnes() {
        assertEquals("io.katacontainers.config.runtime.enable_vcpus_pinning", KEY);
        assertEquals("io.katacontainers.enable_vcpus_pinning", GO_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "t", "T", "TRUE", "true", "True", " true", "True\n", "\t1 "})
    void everyGoSpellingOfTrueTurnsPinningOn(String value) {
        PodConfig pod = pinningOff.forPod(Map.of(KEY, value));

        assertEquals(new PinningSetting(true, Source.ANNOTATION), pod.pinning());
        assertTrue(pod.cgroupConfig().enableVcpusPinning());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "f", "F", "FALSE", "false", "False", " false ", "0\n"})
    void everyGoSpellingOfFalseTurnsPinningOff(String value) {
        PodConfig pod = pinningOn.forPod(Map.of(KEY, value));

        assertEquals(new PinningSetting(false, Source.ANNOTATION), pod.pinning());
        assertFalse(pod.cgroupConfig().enableVcpusPinning());
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no", "on", "off", "tRuE", "fALSE", "2", "-1", "", " ", "true false", "y", "truee"})
    void anyOtherValueIsAnErrorNamingTheAnnotationAndValue(String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> pinningOff.forPod(Map.of(KEY, value)));

        assertEquals(KEY, e.keyPath());
        assertEquals(Optional.empty(), e.file());
        assertTrue(e.getMessage().startsWith(KEY + ": invalid boolean \"" + value + "\""),
                e.getMessage());
    }

    @Test
    void aBadValueOfTheAliasNamesTheAlias() {
        ConfigException e = assertThrows(ConfigException.class, () -> pinningOff.forPod(Map.of(GO_KEY, "enabled")));

        assertEquals(GO_KEY, e.keyPath());
        assertTrue(e.getMessage().contains("\"enabled\""), e.getMessage());
    }

    @Test
    void theGoRuntimeKeyWorksAsAnAlias() {
        assertEquals(new PinningSetting(true, Source.ANNOTATION), pinningOff.forPod(Map.of(GO_KEY, "T")).pinning());
        assertEquals(new PinningSetting(false, Source.ANNOTATION), pinningOn.forPod(Map.of(GO_KEY, "0")).pinning());
    }

    @Test
    void bothKeysAgreeingIsFineEvenInDifferentSpellings() {
        PodConfig pod = pinningOff.forPod(Map.of(KEY, "true", GO_KEY, "1"));

        assertEquals(new PinningSetting(true, Source.ANNOTATION), pod.pinning());
    }

    @Test
    void bothKeysDisagreeingIsAnErrorNamingBoth() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> pinningOff.forPod(Map.of(KEY, "true", GO_KEY, "false")));

        assertTrue(e.getMessage().contains(KEY) && e.getMessage().contains(GO_KEY), e.getMessage());
        assertTrue(e.getMessage().contains("\"true\" against \"false\""), e.getMessage());
    }

    @Test
    void withoutAnnotationsTheFileDecides() {
        PodConfig pod = pinningOn.forPod(Map.of("io.katacontainers.config.hypervisor.default_vcpus", "8"));

        assertEquals(new PinningSetting(true, Source.FILE), pod.pinning());
        assertEquals(2, pod.defaultVcpus(), "hypervisor annotations are not applied");
        assertSame(pinningOn, pod.base());
    }

    @Test
    void theAnnotationDoesNotChangeTheLoadedConfiguration() {
        pinningOff.forPod(Map.of(KEY, "true"));

        assertEquals(new PinningSetting(false, Source.FILE), pinningOff.pinning());
        assertFalse(pinningOff.cgroupConfig().enableVcpusPinning());
        assertFalse(pinningOff.runtime().enableVcpusPinning());
    }

    @Test
    void thePodsCgroupConfigDiffersOnlyInTheFlag() {
        PodConfig pod = pinningOff.forPod(Map.of(KEY, "1"));

        assertEquals(pinningOff.cgroupConfig().withEnableVcpusPinning(true), pod.cgroupConfig());
    }

    @Test
    void anAnnotationPresentWithoutAValueIsAnError() {
        Map<String, String> annotations = new HashMap<>();
        annotations.put(KEY, null);

        ConfigException e = assertThrows(ConfigException.class, () -> pinningOff.forPod(annotations));

        assertEquals(KEY, e.keyPath());
    }

    @Test
    void aPodConfigMustCarryTheSameFlagTwice() {
        CgroupConfig off = pinningOff.cgroupConfig();
        PinningSetting on = new PinningSetting(true, Source.ANNOTATION);

        assertThrows(IllegalArgumentException.class, () -> new PodConfig(pinningOff, on, 1, off));
    }
}
