package kata.pinning.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes a Kata configuration: a base file, its drop-ins and a pod's annotations, from one text
 * whose parts are split at lines {@value #DROP_IN} and {@value #ANNOTATIONS} (annotations as
 * {@code key=value} lines). Invariant: it loads and resolves for the pod, or fails with a
 * {@link ConfigException} that names the file at fault or the annotation; nothing of the TOML
 * library escapes.
 */
class ConfigFuzzTest {

    private static final String DROP_IN = "#---drop-in---";
    private static final String ANNOTATIONS = "#---annotations---";
    private static final String DROP_IN_DIR = "config.d";
    @TempDir
    static Path tempDir;
    private static Path dir;

    @BeforeAll
    static void resolveDirectory() throws IOException {
        dir = tempDir.toRealPath();
    }

    @FuzzTest
    void loadWithDropInsAndAnnotations(byte[] input) throws IOException {
        String text = new String(input, UTF_8);
        String[] parts = text.split(ANNOTATIONS, 2);
        String[] files = parts[0].split(DROP_IN, -1);
        clean();
        Path base = Files.writeString(dir.resolve("configuration.toml"), files[0]);
        for (int i = 1; i < files.length && i < 4; i++) {
            Files.writeString(dir.resolve(DROP_IN_DIR).resolve(i + "-fuzzed.toml"), files[i]);
        }
        Map<String, String> annotations = annotations(parts.length > 1 ? parts[1] : "");
        try {
            PodConfig pod = KataConfig.load(base, 8).forPod(annotations);
            assertTrue(pod.defaultVcpus() >= 1, pod::toString);
        } catch (ConfigException e) {
            assertFalse(e.getMessage().isBlank());
            assertTrue(e.file().map(f -> f.startsWith(dir)).orElse(false) || annotations.containsKey(e.keyPath()),
                    () -> "names the file or the annotation: " + e.getMessage());
        }
    }

    private static Map<String, String> annotations(String lines) {
        Map<String, String> annotations = new LinkedHashMap<>();
        for (String line : lines.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                annotations.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return annotations;
    }

    private static void clean() throws IOException {
        Path dropIns = Files.createDirectories(dir.resolve(DROP_IN_DIR));
        try (var entries = Files.newDirectoryStream(dropIns)) {
            for (Path entry : entries) {
                Files.delete(entry);
            }
        }
    }
}
