package kata.pinning.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a TOML file becomes as a plain tree. */
class TomlReaderTest {

    @TempDir
    Path dir;

    private Map<String, Object> read(String text) throws IOException {
        return TomlReader.read(Files.writeString(dir.resolve("t.toml"), text));
    }

    @Test
    void valuesAreNormalisedToPlainJavaTypes() throws IOException {
        Map<String, Object> tree = read("""
                i = 3
                big = 3000000000
                f = 1.5
                s = "x"
                b = true
                d = 1979-05-27
                a = [1, 2]
                [t]
                inline = { k = 1 }
                """);

        assertEquals(Map.of("i", 3L, "big", 3_000_000_000L, "f", 1.5, "s", "x", "b", true,
                "d", LocalDate.of(1979, 5, 27), "a", List.of(1L, 2L), "t", Map.of("inline", Map.of("k", 1L))), tree);
    }

    @Test
    void quotedKeysWithDotsStayOneKeyAndDottedKeysNest() throws IOException {
        Map<String, Object> tree = read("""
                "a.b" = 1
                c.d = 2
                """);

        assertEquals(Map.of("a.b", 1L, "c", Map.of("d", 2L)), tree);
    }

    @Test
    void arraysOfTablesBecomeListsOfMaps() throws IOException {
        assertEquals(Map.of("mount", List.of(Map.of("src", "a"), Map.of("src", "b"))),
                read("[[mount]]\nsrc = \"a\"\n[[mount]]\nsrc = \"b\"\n"));
    }

    @Test
    void theTreeCannotBeModified() throws IOException {
        Map<String, Object> tree = read("[t]\nx = 1\n");

        assertThrows(UnsupportedOperationException.class, () -> tree.put("y", 2L));
    }

    @Test
    void aDuplicateKeyIsASyntaxErrorOnItsLine() throws IOException {
        Path file = Files.writeString(dir.resolve("dup.toml"), "[runtime]\nx = 1\n\nx = 2\n");

        ConfigProblem p = assertThrows(ConfigProblem.class, () -> TomlReader.read(file));

        assertEquals(4, p.lineOrZero());
        assertEquals(file, p.fileOrNull());
    }
}
