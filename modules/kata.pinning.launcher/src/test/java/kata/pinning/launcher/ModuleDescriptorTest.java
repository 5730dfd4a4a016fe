package kata.pinning.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Only the API package is exported, and the launcher needs nothing beyond the JDK. */
class ModuleDescriptorTest {

    private final ModuleDescriptor descriptor = QemuLauncher.class.getModule().getDescriptor();

    @Test
    void onlyTheApiPackageIsExported() {
        assertEquals("kata.pinning.launcher", descriptor.name());
        assertEquals(Set.of("kata.pinning.launcher"),
                descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        assertEquals(Set.of("kata.pinning.launcher", "kata.pinning.launcher.internal"), descriptor.packages());
        assertEquals(Set.of(), descriptor.opens());
    }

    @Test
    void requiresOnlyTheBaseModule() {
        assertEquals(Set.of("java.base"),
                descriptor.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
    }
}
