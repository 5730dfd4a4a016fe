package kata.pinning.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link KataConfig#load()}'s search: KATA_CONF_FILE first, then the default files in order. */
class SearchOrderTest {

    @TempDir
    Path dir;

    private Path etc() {
        return dir.resolve("etc/kata-containers/runtime-rs/configuration.toml");
    }

    private Path usrShare() {
        return dir.resolve("usr/share/defaults/kata-containers/runtime-rs/configuration.toml");
    }

    private Path opt() {
        return dir.resolve("opt/kata/share/defaults/kata-containers/runtime-rs/configuration.toml");
    }

    private List<Path> searchPath() {
        return List.of(etc(), usrShare(), opt());
    }

    private static UnaryOperator<String> env(Map<String, String> vars) {
        return vars::get;
    }

    private static Path create(Path file) {
        return Toml.write(file.getParent(), file.getFileName().toString(), "[runtime]");
    }

    @Test
    void kataConfFileWinsOverEveryDefaultFile() {
        create(etc());
        Path named = Toml.write(dir.resolve("custom"), "kata.toml", "[runtime]", "enable_vcpus_pinning = true");

        KataConfig config = KataConfig.load(env(Map.of("KATA_CONF_FILE", named.toString())), searchPath());

        assertEquals(named, config.source());
        assertTrue(config.runtime().enableVcpusPinning());
    }

    @Test
    void withoutTheVariableTheFirstExistingDefaultFileIsUsed() {
        create(usrShare());
        create(opt());

        assertEquals(usrShare(), KataConfig.load(env(Map.of()), searchPath()).source());
    }

    @Test
    void etcComesBeforeUsrShare() {
        create(etc());
        create(usrShare());

        assertEquals(etc(), KataConfig.load(env(Map.of()), searchPath()).source());
    }

    @Test
    void anEmptyVariableCountsAsUnset() {
        create(opt());

        assertEquals(opt(), KataConfig.load(env(Map.of("KATA_CONF_FILE", "")), searchPath()).source());
    }

    @Test
    void aVariableNamingAMissingFileIsAnErrorWithoutFallback() {
        create(etc());
        Path missing = dir.resolve("missing.toml");

        ConfigException e = assertThrows(ConfigException.class,
                () -> KataConfig.load(env(Map.of("KATA_CONF_FILE", missing.toString())), searchPath()));

        assertEquals(Optional.of(missing), e.file());
    }

    @Test
    void noFileAnywhereIsAnErrorListingWhatWasTried() {
        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(env(Map.of()), searchPath()));

        assertEquals(Optional.empty(), e.file());
        for (Path tried : searchPath()) {
            assertTrue(e.getMessage().contains(tried.toString()), e.getMessage());
        }
        assertTrue(e.getMessage().contains("KATA_CONF_FILE is not set"), e.getMessage());
    }
}
