package kata.pinning.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad files and wrong types give one ConfigException naming file, key and line, never a default. */
class ConfigErrorTest {

    @TempDir
    Path dir;

    @Test
    void aStringForABooleanIsAnErrorNamingFileKeyAndValue() {
        Path file = Toml.write(dir, "configuration.toml", "[runtime]", "enable_vcpus_pinning = \"yes\"");

        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(file, 2));

        assertEquals(Optional.of(file), e.file());
        assertEquals("runtime.enable_vcpus_pinning", e.keyPath());
        assertEquals(OptionalInt.empty(), e.line());
        assertEquals(file + ": runtime.enable_vcpus_pinning: expected a boolean (true or false), found the string \"yes\"",
                e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            sandbox_cgroup_only = 1                      | runtime.sandbox_cgroup_only      | expected a boolean (true or false), found the integer 1
            enable_vcpus_pinning = 0                     | runtime.enable_vcpus_pinning     | expected a boolean (true or false), found the integer 0
            enable_vcpus_pinning = [true]                | runtime.enable_vcpus_pinning     | expected a boolean (true or false), found an array
            enable_vcpus_pinning = {}                    | runtime.enable_vcpus_pinning     | expected a boolean (true or false), found a table
            hypervisor_name = 5                          | runtime.hypervisor_name          | expected a string, found the integer 5
            """)
    void aWrongTypeInRuntimeIsAnError(String line, String keyPath, String problem) {
        Path file = Toml.write(dir, "configuration.toml", "[runtime]", line);

        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(file, 2));

        assertEquals(keyPath, e.keyPath());
        assertEquals(file + ": " + keyPath + ": " + problem, e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            default_vcpus = "two"          | hypervisor.qemu.default_vcpus    | expected a number, found the string "two"
            default_vcpus = nan            | hypervisor.qemu.default_vcpus    | expected a number, found the float NaN
            default_vcpus = true           | hypervisor.qemu.default_vcpus    | expected a number, found the boolean true
            default_maxvcpus = 2.5         | hypervisor.qemu.default_maxvcpus | expected an integer, found the float 2.5
            default_maxvcpus = -1          | hypervisor.qemu.default_maxvcpus | must be between 0 and 4294967295, found -1
            default_maxvcpus = 4294967296  | hypervisor.qemu.default_maxvcpus | must be between 0 and 4294967295, found 4294967296
            """)
    void aWrongTypeOrRangeInTheHypervisorTableIsAnError(String line, String keyPath, String problem) {
        Path file = Toml.write(dir, "configuration.toml", "[hypervisor.qemu]", line);

        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(file, 2));

        assertEquals(file + ": " + keyPath + ": " + problem, e.getMessage());
    }

    @Test
    void aNonTableWhereATableBelongsIsAnError() {
        Path file = Toml.write(dir, "configuration.toml", "runtime = \"fast\"");

        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(file, 2));

        assertEquals("runtime", e.keyPath());
        assertTrue(e.getMessage().endsWith("expected a table, found the string \"fast\""), e.getMessage());
    }

    @Test
    void aHypervisorEntryThatIsNotATableIsAnError() {
        Path file = Toml.write(dir, "configuration.toml", "[hypervisor]", "qemu = 3");

        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(file, 2));

        assertEquals("hypervisor.qemu", e.keyPath());
    }

    @Test
    void oddKeysAreQuotedInTheKeyPath() {
        Path file = Toml.write(dir, "configuration.toml",
                "[hypervisor.\"my qemu\"]", "default_vcpus = \"x\"");

        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(file, 2));

        assertEquals("hypervisor.\"my qemu\".default_vcpus", e.keyPath());
    }

    @ParameterizedTest(name = "line {1}: {0}")
    @CsvSource(delimiter = '|', textBlock = """
            [runtime]\\nenable_vcpus_pinning = yes\\n                      | 2
            [runtime]\\nenable_vcpus_pinning = true\\nenable_vcpus_pinning = false\\n | 3
            # a comment\\n\\n[runtime\\nx = 1\\n                           | 3
            [runtime]\\nname = "unterminated\\nx = 1\\n                    | 2
            [a]\\nx = 1\\n\\n[a]\\ny = 2\\n                                | 4
            [runtime]\\nexperimental = [1, 2\\nsandbox_cgroup_only = true\\n | 3
            """)
    void invalidTomlNamesTheLine(String escaped, int line) {
        Path file = Toml.write(dir, "configuration.toml", escaped.replace("\\n", "\n"));

        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(file, 2));

        assertEquals(OptionalInt.of(line), e.line());
        assertEquals(Optional.of(file), e.file());
        assertEquals("", e.keyPath());
        assertTrue(e.getMessage().startsWith(file + ":" + line + ": not valid TOML: "), e.getMessage());
    }

    @Test
    void bytesThatAreNotUtf8AreAnError() throws IOException {
        Path file = Files.write(dir.resolve("configuration.toml"), new byte[] {'#', ' ', (byte) 0xC3, (byte) 0x28, '\n'});

        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(file, 2));

        assertTrue(e.getMessage().endsWith("not valid UTF-8 text"), e.getMessage());
    }

    @Test
    void theParsersOwnExceptionIsOnlyTheCause() {
        Path file = Toml.write(dir, "configuration.toml", "= 1");

        ConfigException e = assertThrows(ConfigException.class, () -> KataConfig.load(file, 2));

        assertTrue(e.getCause() != null && e.getCause().getClass().getName().startsWith("com.electronwill."),
                "the parser's exception is kept as the cause: " + e.getCause());
    }
}
