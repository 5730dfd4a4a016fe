package kata.pinning.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import kata.pinning.config.PolicySetting.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The placement keys: runtime.vcpus_pinning_policy and the hypervisor's enable_numa and numa_mapping. */
class PlacementConfigTest {

    @TempDir
    Path dir;

    @Test
    void withoutTheKeyThePolicyIsExactByDefaultAndNumaIsOff() {
        KataConfig config = KataConfig.load(Toml.write(dir, "configuration.toml", "[runtime]"), 4);
        assertEquals(PolicySetting.DEFAULT, config.policy());
        assertEquals(new PolicySetting(PinningPolicy.EXACT, Source.DEFAULT), config.policy());
        assertEquals(Optional.empty(), config.policyOrigin());
        assertEquals(NumaConfig.DISABLED, config.numa());
    }

    @Test
    void theBaseFileSetsThePolicyAndADropInOverridesIt() {
        Path base = Toml.write(dir, "configuration.toml", "[runtime]", "vcpus_pinning_policy = \"exact\"");
        assertEquals(new PolicySetting(PinningPolicy.EXACT, Source.FILE), KataConfig.load(base, 4).policy());

        Path dropIn = Toml.dropIn(dir, "50-fit.toml", "[runtime]", "vcpus_pinning_policy = \"fit\"");
        KataConfig config = KataConfig.load(base, 4);
        assertEquals(new PolicySetting(PinningPolicy.FIT, Source.DROP_IN), config.policy());
        assertEquals(Optional.of(dropIn), config.policyOrigin());
    }

    @Test
    void aBadPolicyNamesTheKeyAndTheAllowedValues() {
        Path file = Toml.write(dir, "configuration.toml", "[runtime]", "vcpus_pinning_policy = \"best\"");
        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(file, 2));
        assertEquals("runtime.vcpus_pinning_policy", e.keyPath());
        assertEquals(file + ": runtime.vcpus_pinning_policy: must be \"exact\" or \"fit\", found the string \"best\"",
                e.getMessage());
    }

    @Test
    void aPolicyOfTheWrongTypeIsAnError() {
        Path file = Toml.write(dir, "configuration.toml", "[runtime]", "vcpus_pinning_policy = true");
        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(file, 2));
        assertEquals("runtime.vcpus_pinning_policy", e.keyPath());
    }

    @Test
    void numaKeysComeFromTheHypervisorTableInUseAndDropInArraysReplace() {
        Path base = Toml.write(dir, "configuration.toml", "[hypervisor.qemu]", "enable_numa = true",
                "numa_mapping = [\"0\", \"1\"]");
        assertEquals(new NumaConfig(true, List.of("0", "1")), KataConfig.load(base, 4).numa());

        Toml.dropIn(dir, "50-numa.toml", "[hypervisor.qemu]", "numa_mapping = [\"0-1\", \"2-3\"]");
        assertEquals(new NumaConfig(true, List.of("0-1", "2-3")), KataConfig.load(base, 4).numa());
    }

    @Test
    void aNumaMappingEntryThatIsNoNodeListIsAnError() {
        Path file = Toml.write(dir, "configuration.toml", "[hypervisor.qemu]", "numa_mapping = [\"0\", \"one\"]");
        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(file, 2));
        assertEquals("hypervisor.qemu.numa_mapping", e.keyPath());
    }

    @Test
    void theFlagWinsOverTheFiles() {
        assertEquals(new PolicySetting(PinningPolicy.FIT, Source.FLAG), PolicySetting.flag(PinningPolicy.FIT));
        assertEquals(PinningPolicy.FIT, PinningPolicy.fromConfigName("fit"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PinningPolicy.fromConfigName("Fit"));
        assertEquals("must be \"exact\" or \"fit\", not \"Fit\"", e.getMessage());
    }
}
