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
import java.util.OptionalInt;
import kata.pinning.config.PinningSetting.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.d drop-ins: which files, in which order, merged how, and what the pinning source says. */
class DropInTest {

    @TempDir
    Path dir;

    private Path base() {
        return Toml.write(dir, "configuration.toml",
                "[hypervisor.qemu]", "default_vcpus = 1", "default_maxvcpus = 4",
                "[runtime]", "enable_vcpus_pinning = false", "sandbox_cgroup_only = false");
    }

    @Test
    void aLaterDropInWinsAndFileNameOrderIsNotCreationOrder() throws IOException {
        Path base = base();
        Path second = Toml.dropIn(dir, "20-off.toml", "[runtime]", "enable_vcpus_pinning = false");
        Path first = Toml.dropIn(dir, "10-on.toml", "[runtime]", "enable_vcpus_pinning = true");
        Path last = Toml.dropIn(dir, "30-on.toml", "[runtime]", "enable_vcpus_pinning = true");

        KataConfig config = KataConfig.load(base, 4);

        assertEquals(List.of(first, second, last), config.dropIns());
        assertEquals(new PinningSetting(true, Source.DROP_IN), config.pinning());
        assertEquals(Optional.of(last), config.pinningOrigin());
    }

    @Test
    void theLastDropInDecidesEvenWhenItTurnsPinningOff() {
        Toml.dropIn(dir, "10-on.toml", "[runtime]", "enable_vcpus_pinning = true");
        Path off = Toml.dropIn(dir, "20-off.toml", "[runtime]", "enable_vcpus_pinning = false");

        KataConfig config = KataConfig.load(base(), 4);

        assertEquals(new PinningSetting(false, Source.DROP_IN), config.pinning());
        assertEquals(Optional.of(off), config.pinningOrigin());
    }

    @Test
    void aDropInTableAddsKeysWithoutDroppingTheBasesKeys() {
        Toml.dropIn(dir, "10-cgroup.toml", "[runtime]", "sandbox_cgroup_only = true");
        Toml.dropIn(dir, "20-vcpus.toml", "[hypervisor.qemu]", "default_vcpus = 3");

        KataConfig config = KataConfig.load(base(), 8);

        assertEquals(new RuntimeConfig(false, true, "qemu"), config.runtime());
        assertEquals(new HypervisorConfig("qemu", 3, 4), config.hypervisor(), "default_maxvcpus kept from the base");
        assertEquals(new PinningSetting(false, Source.FILE), config.pinning(), "pinning kept from the base");
    }

    @Test
    void dottedKeysInADropInMergeLikeTables() {
        Toml.dropIn(dir, "10.toml", "runtime.enable_vcpus_pinning = true");

        KataConfig config = KataConfig.load(base(), 4);

        assertEquals(new PinningSetting(true, Source.DROP_IN), config.pinning());
        assertFalse(config.runtime().sandboxCgroupOnly());
    }

    @Test
    void onlyTomlFilesAreDropIns() throws IOException {
        Toml.dropIn(dir, "10-on.toml.bak", "[runtime]", "enable_vcpus_pinning = true");
        Toml.dropIn(dir, "README", "this is not TOML at all [");
        Path toml = Toml.dropIn(dir, "05-cgroup.toml", "[runtime]", "sandbox_cgroup_only = true");

        KataConfig config = KataConfig.load(base(), 4);

        assertEquals(List.of(toml), config.dropIns());
        assertEquals(new PinningSetting(false, Source.FILE), config.pinning());
    }

    @Test
    void noConfigDirectoryMeansNoDropIns() {
        assertEquals(List.of(), KataConfig.load(base(), 4).dropIns());
    }

    @Test
    void aDropInThatReplacesATableWithAValueRemovesTheOldOrigin() {
        Toml.dropIn(dir, "10-pin.toml", "[runtime]", "enable_vcpus_pinning = true");
        Toml.dropIn(dir, "20-hv.toml", "hypervisor = \"replaced\"");
        Toml.dropIn(dir, "30-hv.toml", "[hypervisor.qemu]", "default_vcpus = 2");

        KataConfig config = KataConfig.load(base(), 8);

        assertEquals(new HypervisorConfig("qemu", 2, 8), config.hypervisor(), "max from the base was replaced away");
        assertEquals(new PinningSetting(true, Source.DROP_IN), config.pinning());
    }

    @Test
    void aWrongTypeInADropInNamesTheDropIn() {
        Path bad = Toml.dropIn(dir, "10-bad.toml", "[runtime]", "enable_vcpus_pinning = \"yes\"");

        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(base(), 4));

        assertEquals(Optional.of(bad), e.file());
        assertEquals("runtime.enable_vcpus_pinning", e.keyPath());
    }

    @Test
    void invalidTomlInADropInNamesTheDropInAndLine() {
        Path bad = Toml.dropIn(dir, "10-bad.toml", "[runtime]", "# fine", "enable_vcpus_pinning = tru");

        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(base(), 4));

        assertEquals(Optional.of(bad), e.file());
        assertEquals(OptionalInt.of(3), e.line());
        assertTrue(e.getMessage().startsWith(bad + ":3: not valid TOML: "), e.getMessage());
    }

    @Test
    void aConfigDThatIsAFileIsAnError() throws IOException {
        Path notDir = Files.writeString(dir.resolve("config.d"), "").toRealPath();

        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(base(), 4));

        assertEquals(Optional.of(notDir), e.file());
    }

    @Test
    void aTomlNamedEntryThatIsNotARegularFileIsAnError() throws IOException {
        Path directory = Files.createDirectories(dir.resolve("config.d").resolve("10-dir.toml")).toRealPath();

        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(base(), 4));

        assertEquals(Optional.of(directory), e.file());
        assertTrue(e.getMessage().contains("regular file"), e.getMessage());
    }

    @Test
    void aSymlinkedDropInIsRead() throws IOException {
        Path target = Toml.write(dir.resolve("elsewhere"), "pin.toml", "[runtime]", "enable_vcpus_pinning = true");
        Files.createDirectories(dir.resolve("config.d"));
        Files.createSymbolicLink(dir.resolve("config.d").resolve("10-pin.toml"), target);

        assertEquals(new PinningSetting(true, Source.DROP_IN), KataConfig.load(base(), 4).pinning());
    }
}
