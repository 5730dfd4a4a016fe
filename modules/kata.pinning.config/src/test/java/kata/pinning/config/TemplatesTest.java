package kata.pinning.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import kata.pinning.config.PinningSetting.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shipped template under config-templates/ loads as it is, and the drop-in example works on each. */
class TemplatesTest {

    private static final Path TEMPLATES = Path.of(System.getProperty("kata.config.templates", "../../config-templates"));

    static List<Path> templates() throws IOException {
        try (Stream<Path> files = Files.list(TEMPLATES)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".toml")).sorted().toList();
        }
    }

    @Test
    void thereAreRuntimeRsAndGoRuntimeTemplates() throws IOException {
        List<String> names = templates().stream().map(f -> f.getFileName().toString()).toList();

        assertTrue(names.contains("configuration-qemu-runtime-rs.toml"), names.toString());
        assertTrue(names.contains("configuration-qemu.toml"), names.toString());
    }

    @ParameterizedTest
    @MethodSource("templates")
    void theTemplateLoadsWithPinningOffFromTheFile(Path template) {
        KataConfig config = KataConfig.load(template, 4);

        assertEquals(new PinningSetting(false, Source.FILE), config.pinning());
        assertEquals(new HypervisorConfig("qemu", 1, 4), config.hypervisor());
        assertFalse(config.forPod(Map.of()).cgroupConfig().enableVcpusPinning());
        assertEquals(List.of(), config.dropIns());
    }

    @ParameterizedTest
    @MethodSource("templates")
    void thePinningBlockSitsInTheRuntimeTable(Path template) throws IOException {
        List<String> lines = Files.readAllLines(template);
        int runtime = lines.indexOf("[runtime]");
        int block = lines.indexOf("# vCPUs pinning settings");
        int key = lines.indexOf("enable_vcpus_pinning = false");

        assertTrue(runtime >= 0 && runtime < block && block < key, "[runtime] < comment block < key");
        assertTrue(lines.subList(runtime + 1, lines.size()).stream().noneMatch(l -> l.startsWith("[")),
                "[runtime] is the last table, so the key cannot belong to another one");
    }

    @ParameterizedTest
    @MethodSource("templates")
    void theDropInExampleTurnsPinningOnOverTheTemplate(Path template, @TempDir Path dir) throws IOException {
        Path base = Files.copy(template, dir.resolve("configuration.toml"));
        Path dropIn = Files.copy(TEMPLATES.resolve("drop-in-examples/50-enable-vcpus-pinning.toml"),
                Files.createDirectories(dir.resolve("config.d")).resolve("50-enable-vcpus-pinning.toml"));

        KataConfig config = KataConfig.load(base, 4);

        assertEquals(new PinningSetting(true, Source.DROP_IN), config.pinning());
        assertEquals(Optional.of(dropIn.toRealPath()), config.pinningOrigin());
        assertEquals(KataConfig.load(template, 4).hypervisor(), config.hypervisor(), "the rest of the template is kept");
        assertEquals(new PinningSetting(false, Source.ANNOTATION),
                config.forPod(Map.of(PodConfig.PINNING_ANNOTATION, "false")).pinning(), "a pod can still opt out");
    }
}
