package kata.pinning.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import kata.pinning.config.PinningSetting.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading one base file: defaults, the keys read, hypervisor table choice, symlinks. */
class KataConfigTest {

    @TempDir
    Path dir;

    @Test
    void emptyFileGivesKataDefaults() {
        KataConfig config = KataConfig.load(Toml.write(dir, "configuration.toml", ""), 4);

        assertEquals(new RuntimeConfig(false, false, "qemu"), config.runtime());
        assertEquals(new HypervisorConfig("qemu", 1, 4), config.hypervisor());
        assertEquals(PinningSetting.DEFAULT, config.pinning());
        assertEquals(Optional.empty(), config.pinningOrigin());
        assertEquals(new CgroupConfig("kata_sandboxed_pod", "kata_overhead", false, false), config.cgroupConfig());
        assertEquals(List.of(), config.dropIns());
    }

    @Test
    void absentPinningKeyIsOffFromDefaultEvenWithOtherRuntimeKeys() {
        Path file = Toml.write(dir, "configuration.toml",
                "[runtime]", "sandbox_cgroup_only = true", "internetworking_model = \"tcfilter\"");

        KataConfig config = KataConfig.load(file, 2);

        assertEquals(PinningSetting.DEFAULT, config.pinning());
        assertFalse(config.runtime().enableVcpusPinning());
        assertTrue(config.runtime().sandboxCgroupOnly());
        assertTrue(config.cgroupConfig().sandboxCgroupOnly());
    }

    @Test
    void readsTheKnownKeysAndIgnoresUnknownOnes() {
        Path file = Toml.write(dir, "configuration.toml",
                "[hypervisor.qemu]", "path = \"/opt/kata/bin/qemu\"", "default_vcpus = 2", "default_maxvcpus = 3",
                "not_a_kata_key = { nested = [1, 2] }",
                "[runtime]", "enable_vcpus_pinning = true", "sandbox_cgroup_only = true",
                "hypervisor_name = \"qemu\"", "future_key = 1979-05-27T07:32:00Z");

        KataConfig config = KataConfig.load(file, 8);

        assertEquals(new RuntimeConfig(true, true, "qemu"), config.runtime());
        assertEquals(new HypervisorConfig("qemu", 2, 3), config.hypervisor());
        assertEquals(new PinningSetting(true, Source.FILE), config.pinning());
        assertEquals(Optional.of(file), config.pinningOrigin());
        assertTrue(config.cgroupConfig().enableVcpusPinning());
        assertEquals(file, config.source());
    }

    @Test
    void hypervisorNameChoosesAmongSeveralTables() {
        Path file = Toml.write(dir, "configuration.toml",
                "[hypervisor.dragonball]", "default_vcpus = 1",
                "[hypervisor.qemu]", "default_vcpus = 3",
                "[runtime]", "hypervisor_name = \"qemu\"");

        assertEquals(new HypervisorConfig("qemu", 3, 4), KataConfig.load(file, 4).hypervisor());
    }

    @Test
    void theOnlyHypervisorTableIsUsedWhenNoNameIsGiven() {
        Path file = Toml.write(dir, "configuration.toml", "[hypervisor.clh]", "default_vcpus = 2", "[runtime]");

        KataConfig config = KataConfig.load(file, 4);

        assertEquals("clh", config.runtime().hypervisorName());
        assertEquals(new HypervisorConfig("clh", 2, 4), config.hypervisor());
    }

    @Test
    void severalHypervisorTablesWithoutANameIsAnError() {
        Path file = Toml.write(dir, "configuration.toml", "[hypervisor.qemu]", "[hypervisor.clh]");

        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(file, 4));

        assertEquals("runtime.hypervisor_name", e.keyPath());
        assertTrue(e.getMessage().contains("found: clh, qemu"), e.getMessage());
    }

    @Test
    void aNameWithoutItsTableIsAnError() {
        Path file = Toml.write(dir, "configuration.toml",
                "[hypervisor.qemu]", "[runtime]", "hypervisor_name = \"firecracker\"");

        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(file, 4));

        assertEquals("runtime.hypervisor_name", e.keyPath());
        assertEquals(Optional.of(file), e.file());
        assertTrue(e.getMessage().contains("no [hypervisor.firecracker] table (found: qemu)"), e.getMessage());
    }

    @Test
    void dragonballForcesSandboxCgroupOnlyInTheCgroupConfigOnly() {
        Path file = Toml.write(dir, "configuration.toml",
                "[hypervisor.dragonball]", "[runtime]", "hypervisor_name = \"dragonball\"", "sandbox_cgroup_only = false");

        KataConfig config = KataConfig.load(file, 2);

        assertFalse(config.runtime().sandboxCgroupOnly());
        assertTrue(config.cgroupConfig().sandboxCgroupOnly());
    }

    @Test
    void aSymlinkedFileTakesItsDropInsFromBesideTheTarget() throws IOException {
        Path real = Toml.write(dir.resolve("shipped"), "configuration-qemu.toml", "[runtime]", "enable_vcpus_pinning = false");
        Path beside = Toml.dropIn(dir.resolve("shipped"), "10-pin.toml", "[runtime]", "enable_vcpus_pinning = true");
        Toml.dropIn(dir.resolve("etc"), "10-unpin.toml", "[runtime]", "enable_vcpus_pinning = false");
        Path link = Files.createSymbolicLink(dir.resolve("etc").resolve("configuration.toml"), real);

        KataConfig config = KataConfig.load(link, 2);

        assertEquals(real, config.source());
        assertEquals(List.of(beside), config.dropIns());
        assertEquals(new PinningSetting(true, Source.DROP_IN), config.pinning());
    }

    @Test
    void aMissingFileIsAnErrorNamingIt() {
        Path missing = dir.resolve("nope.toml");

        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(missing));

        assertEquals(Optional.of(missing), e.file());
        assertEquals(missing + ": no such file", e.getMessage());
    }

    @Test
    void aDirectoryIsNotAConfigurationFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(dir));

        assertTrue(e.getMessage().endsWith("not a regular file"), e.getMessage());
    }

    @Test
    void theDefaultSearchPathIsRuntimeRsOrder() {
        assertEquals(List.of(
                Path.of("/etc/kata-containers/runtime-rs/configuration.toml"),
                Path.of("/usr/share/defaults/kata-containers/runtime-rs/configuration.toml"),
                Path.of("/opt/kata/share/defaults/kata-containers/runtime-rs/configuration.toml")),
                KataConfig.defaultSearchPath());
    }
}
