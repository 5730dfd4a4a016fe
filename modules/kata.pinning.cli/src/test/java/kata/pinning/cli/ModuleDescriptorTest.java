package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The command's module is an application: it exports nothing and opens only what reflection needs. */
class ModuleDescriptorTest {

    private static final ModuleDescriptor DESCRIPTOR = KataPinning.class.getModule().getDescriptor();

    @Test
    void exportsNothing() {
        assertEquals(Set.of(), DESCRIPTOR.exports());
    }

    @Test
    void opensTheCommandsToPicocliAndJacksonAndTheAgentsReportToJacksonOnly() {
        Map<String, Set<String>> opens = DESCRIPTOR.opens().stream()
                .collect(Collectors.toMap(ModuleDescriptor.Opens::source, ModuleDescriptor.Opens::targets));
        assertEquals(Map.of("kata.pinning.cli", Set.of("info.picocli", "tools.jackson.databind"),
                "kata.pinning.cli.agent", Set.of("tools.jackson.databind")), opens);
    }

    @Test
    void providesTheLoggerFinderThatTheJdkFinds() {
        assertEquals(List.of(CliLoggerFinder.class.getName()), DESCRIPTOR.provides().stream()
                .filter(p -> p.service().equals(System.LoggerFinder.class.getName()))
                .flatMap(p -> p.providers().stream()).toList());
        assertInstanceOf(CliLoggerFinder.class, System.LoggerFinder.getLoggerFinder());
    }

    @Test
    void requiresTheFacadeAndNoSiblingDirectly() {
        Set<String> required = DESCRIPTOR.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertTrue(required.containsAll(Set.of("kata.pinning", "info.picocli", "tools.jackson.databind")), required::toString);
        assertTrue(required.stream().filter(name -> name.startsWith("kata.pinning.")).allMatch("kata.pinning.launcher"::equals),
                "kata.pinning brings the other modules along; only the demo's QEMU launcher is apart: " + required);
    }
}
