package kata.pinning.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Only the API package is exported; the night-config based internals stay hidden. */
class ModuleDescriptorTest {

    @Test
    void onlyTheApiPackageIsExported() {
        ModuleDescriptor descriptor = KataConfig.class.getModule().getDescriptor();

        assertEquals("kata.pinning.config", descriptor.name());
        assertEquals(Set.of("kata.pinning.config"),
                descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        // The test run adds the fuzz seed directories (<Class>FuzzTestInputs/...) to the module as packages.
        assertEquals(Set.of("kata.pinning.config", "kata.pinning.config.internal"), descriptor.packages().stream()
                .filter(p -> !p.contains("FuzzTestInputs")).collect(Collectors.toSet()));
    }
}
