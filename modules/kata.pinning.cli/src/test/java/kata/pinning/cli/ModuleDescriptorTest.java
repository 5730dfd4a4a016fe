package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.List;
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
    void opensTheCommandsToPicocliAndJacksonOnly() {
        assertEquals(Set.of("kata.pinning.cli"),
                DESCRIPTOR.opens().stream().map(ModuleDescriptor.Opens::source).collect(Collectors.toSet()));
        ModuleDescriptor.Opens opens = DESCRIPTOR.opens().iterator().next();
        assertEquals(Set.of("info.picocli", "tools.jackson.databind"), opens.targets());
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
