package kata.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import kata.pinning.cpuset.CpuListFormatException;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Container CPU resources read from real OCI runtime-spec config.json files on disk. */
class CpuResourcesTest {

    @TempDir
    Path bundle;

    private Path configJson(String linuxResourcesCpu) throws IOException {
        Path file = bundle.resolve("config.json");
        Files.writeString(file, """
                {"ociVersion": "1.2.0", "process": {"args": ["sh"], "cwd": "/"}, "root": {"path": "rootfs"},
                 "linux": {"resources": {"cpu": %s}}}
                """.formatted(linuxResourcesCpu));
        return file;
    }

    @Test
    void readsCpusAndMemsFromAFullOciConfig() throws IOException, URISyntaxException {
        Path config = Path.of(getClass().getResource("/oci/config.json").toURI());
        assertEquals(new CpuResources(CpuSet.parse("2-3"), CpuSet.of(0)), CpuResources.fromOciConfig(config));
    }

    @Test
    void absentCpuFieldsMeanNoCpuset() throws IOException {
        assertEquals(CpuResources.NONE, CpuResources.fromOciConfig(configJson("{\"shares\": 512}")));
        assertEquals(CpuResources.NONE, CpuResources.fromOciJson("{\"ociVersion\": \"1.2.0\"}"));
        assertEquals(CpuResources.NONE, CpuResources.fromOciJson("{\"linux\": {\"resources\": null}}"));
    }

    @Test
    void aBadCpulistRejectsTheEventAndLeavesTheSandboxUnchanged() throws IOException {
        FakeHost host = new FakeHost(2);
        SandboxResources sandbox = host.builder(true).build();
        sandbox.vmStarted();
        SandboxStatus before = sandbox.status();
        Path config = configJson("{\"cpus\": \"0-x\", \"mems\": \"0\"}");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sandbox.update(
                new ContainerEvent.Added("c1", CpuResources.fromOciConfig(config))));

        assertTrue(e.getMessage().startsWith(config + ": linux.resources.cpu.cpus \"0-x\" is not a cpulist: "), e.getMessage());
        assertInstanceOf(CpuListFormatException.class, e.getCause());
        assertEquals(before, sandbox.status());
    }

    @Test
    void aFieldOfTheWrongTypeIsNamed() throws IOException {
        Path config = configJson("{\"cpus\": 3}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuResources.fromOciConfig(config));
        assertEquals(config + ": linux.resources.cpu.cpus must be a string, not 3", e.getMessage());
    }

    @Test
    void aCpuSectionThatIsNotAnObjectIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CpuResources.fromOciJson("{\"linux\": {\"resources\": {\"cpu\": \"0-1\"}}}"));
        assertEquals("OCI config: linux.resources.cpu must be an object, not \"0-1\"", e.getMessage());
    }

    @Test
    void textThatIsNotJsonIsRejected() throws IOException {
        Path config = bundle.resolve("config.json");
        Files.writeString(config, "{\"linux\": ");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuResources.fromOciConfig(config));
        assertTrue(e.getMessage().startsWith(config + " is not valid JSON: "), e.getMessage());
    }

    @Test
    void parseNamesTheFieldThatIsNotACpulist() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuResources.parse("0-1", "x"));
        assertTrue(e.getMessage().startsWith("mems \"x\" is not a cpulist: "), e.getMessage());
    }

    @Test
    void unionJoinsCpusAndMems() {
        assertEquals(CpuResources.parse("0-3", "0-1"), CpuResources.parse("0-1", "0").union(CpuResources.parse("2-3", "1")));
    }
}
