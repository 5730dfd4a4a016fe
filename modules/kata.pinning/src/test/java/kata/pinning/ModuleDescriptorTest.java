package kata.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Requires;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The module's promises to consumers: one exported package, and the modules of its API come along. */
class ModuleDescriptorTest {

    private final ModuleDescriptor descriptor = SandboxResources.class.getModule().getDescriptor();

    @Test
    void exportsOnlyTheApiPackageAndOpensNothing() {
        assertEquals(Set.of("kata.pinning"),
                descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        assertEquals(Set.of(), descriptor.opens());
    }

    @Test
    void aConsumerOfKataPinningReadsEveryModuleOfItsApi() {
        Set<String> transitive = descriptor.requires().stream()
                .filter(r -> r.modifiers().contains(Requires.Modifier.TRANSITIVE))
                .map(Requires::name)
                .collect(Collectors.toSet());
        assertEquals(Set.of("kata.pinning.cpuset", "kata.pinning.affinity", "kata.pinning.qmp",
                "kata.pinning.config", "kata.pinning.cgroup"), transitive);
    }
}
