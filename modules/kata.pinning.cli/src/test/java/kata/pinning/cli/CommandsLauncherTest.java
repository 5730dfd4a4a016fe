package kata.pinning.cli;

import static kata.pinning.cli.Launcher.kataPinning;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The commands that need no VMM, and the exit codes of bad usage, through the real launcher. */
class CommandsLauncherTest {

    private static final String PINNING_ANNOTATION = "io.katacontainers.config.runtime.enable_vcpus_pinning";

    @TempDir
    Path dir;

    @Test
    void helpListsEveryCommandAndExitsZero() throws Exception {
        Launcher.Result help = kataPinning("--help");
        assertEquals(KataPinning.OK, help.exitCode(), help::toString);
        assertTrue(help.stdout().startsWith("Usage: kata-pinning "), help::toString);
        for (String command : List.of("cpuset", "config", "inspect", "discover", "vm-started", "container", "status", "demo")) {
            assertTrue(help.stdout().contains("\n  " + command + " "), () -> command + " missing from " + help);
        }
    }

    @Test
    void versionExitsZero() throws Exception {
        Launcher.Result version = kataPinning("--version");
        assertEquals(KataPinning.OK, version.exitCode(), version::toString);
        assertTrue(version.stdout().startsWith("kata-pinning "), version::toString);
    }

    @Test
    void cpusetPrintsTheCanonicalUnion() throws Exception {
        Launcher.Result union = kataPinning("cpuset", "0-3", "5", "4", "2-3");
        assertEquals(KataPinning.OK, union.exitCode(), union::toString);
        assertEquals("0-5 (6 CPUs)\n", union.stdout());
        assertEquals("", union.stderr());
    }

    @Test
    void cpusetJsonHasCpusAndCount() throws Exception {
        JsonNode union = kataPinning("--json", "cpuset", "0-7:2/4", "1").json();
        assertEquals(List.of("cpus", "count"), List.copyOf(union.propertyNames()));
        assertEquals("0-1,4-5", union.path("cpus").stringValue());
        assertEquals(4, union.path("count").intValue());
    }

    @Test
    void aBadCpulistExitsTwoWithOneLine() throws Exception {
        Launcher.Result bad = kataPinning("cpuset", "0-3", "1,,2").assertFailure(KataPinning.BAD_INPUT);
        assertTrue(bad.stderr().contains("\"1,,2\""), bad::toString);
        assertEquals("", bad.stdout());
    }

    @Test
    void verboseAddsTheStackTrace() throws Exception {
        Launcher.Result bad = kataPinning("--verbose", "cpuset", "x");
        assertEquals(KataPinning.BAD_INPUT, bad.exitCode(), bad::toString);
        assertTrue(bad.stderr().contains("CpuListFormatException") && bad.stderr().contains("\tat "), bad::toString);
    }

    @Test
    void usageErrorsExitTwoWithOneLine() throws Exception {
        kataPinning().assertFailure(KataPinning.BAD_INPUT);
        kataPinning("--no-such-option", "cpuset", "1").assertFailure(KataPinning.BAD_INPUT);
        Launcher.Result noPid = kataPinning("inspect").assertFailure(KataPinning.BAD_INPUT);
        assertTrue(noPid.stderr().contains("--pid PID"), noPid::toString);
        Launcher.Result badVmm = kataPinning("--vmm", "xen", "--pid", "1", "inspect").assertFailure(KataPinning.BAD_INPUT);
        assertTrue(badVmm.stderr().contains("qemu|cloud-hypervisor|firecracker|dragonball|openvmm"), badVmm::toString);
    }

    @Test
    void configReportsTheFileAsSource() throws Exception {
        Path file = writeConfig("[runtime]\nenable_vcpus_pinning = true\n[hypervisor.qemu]\ndefault_vcpus = 1\n");
        JsonNode config = kataPinning("--json", "--config", file.toString(), "config").json();
        assertEquals(List.of("enableVcpusPinning", "source", "defaultVcpus", "defaultMaxVcpus", "hypervisor",
                "sandboxCgroupOnly", "file", "dropIns", "pinningOrigin", "policy", "policySource"),
                List.copyOf(config.propertyNames()));
        assertTrue(config.path("enableVcpusPinning").booleanValue());
        assertEquals("file", config.path("source").stringValue());
        assertEquals(1, config.path("defaultVcpus").intValue());
        assertEquals("qemu", config.path("hypervisor").stringValue());
        assertEquals(file.toRealPath().toString(), config.path("file").stringValue());
    }

    @Test
    void configReportsDropInsAndAnnotationsAsSources() throws Exception {
        Path file = writeConfig("[runtime]\nenable_vcpus_pinning = false\n[hypervisor.qemu]\n");
        Path dropIns = Files.createDirectory(dir.resolve("config.d"));
        Path dropIn = Files.writeString(dropIns.resolve("50-pinning.toml"), "[runtime]\nenable_vcpus_pinning = true\n");

        JsonNode fromDropIn = kataPinning("--json", "--config", file.toString(), "config").json();
        assertTrue(fromDropIn.path("enableVcpusPinning").booleanValue());
        assertEquals("drop-in", fromDropIn.path("source").stringValue());
        assertEquals(dropIn.toRealPath().toString(), fromDropIn.path("pinningOrigin").stringValue());

        JsonNode fromAnnotation = kataPinning("--json", "--config", file.toString(),
                "--annotation", PINNING_ANNOTATION + "=false", "config").json();
        assertEquals(false, fromAnnotation.path("enableVcpusPinning").booleanValue());
        assertEquals("annotation", fromAnnotation.path("source").stringValue());
    }

    @Test
    void configWithoutTheKeyIsTheDefault() throws Exception {
        Path file = writeConfig("[hypervisor.qemu]\n");
        JsonNode config = kataPinning("--json", "--config", file.toString(), "config").json();
        assertEquals(false, config.path("enableVcpusPinning").booleanValue());
        assertEquals("default", config.path("source").stringValue());
        assertTrue(config.path("pinningOrigin").isNull());
    }

    @Test
    void badTomlAndABadAnnotationExitTwo() throws Exception {
        Path wrongType = writeConfig("[runtime]\nenable_vcpus_pinning = \"yes\"\n[hypervisor.qemu]\n");
        Launcher.Result typed = kataPinning("--config", wrongType.toString(), "config").assertFailure(KataPinning.BAD_INPUT);
        assertTrue(typed.stderr().contains("runtime.enable_vcpus_pinning"), typed::toString);

        Path good = writeConfig("[hypervisor.qemu]\n");
        Launcher.Result annotation = kataPinning("--config", good.toString(),
                "--annotation", PINNING_ANNOTATION + "=maybe", "config").assertFailure(KataPinning.BAD_INPUT);
        assertTrue(annotation.stderr().contains(PINNING_ANNOTATION), annotation::toString);
    }

    @Test
    void anUnreachableVmmExitsOne() throws Exception {
        String self = Long.toString(ProcessHandle.current().pid());
        Launcher.Result unreachable = kataPinning("--qmp", dir.resolve("no-vmm.sock").toString(), "--pid", self, "inspect")
                .assertFailure(KataPinning.FAILED);
        assertTrue(unreachable.stderr().contains("no-vmm.sock"), unreachable::toString);
    }

    private Path writeConfig(String toml) throws Exception {
        return Files.writeString(dir.resolve("configuration.toml"), toml);
    }
}
