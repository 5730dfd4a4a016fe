package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Every kind of bad input to a lifecycle command, against a pinned sandbox on a real QEMU, run in
 * this JVM: exit code 2, one line on stderr, the state file unchanged byte for byte, and the vCPU
 * threads' affinities unchanged. {@link BadInputLauncherTest} runs some of them through the launcher.
 */
class BadInputTest {

    @TempDir
    static Path dir;
    static LiveVm vm;
    static List<Integer> vcpuThreads;

    @BeforeAll
    static void pinASandbox() throws Exception {
        vm = LiveVm.start(dir);
        assertEquals(KataPinning.OK, InProcess.run(vm.args("vm-started")).exitCode());
        InProcess.Result added = InProcess.run(vm.args("--json", "container", "add", "c1", "--cpus", vm.twoCpus().toString()));
        assertEquals(KataPinning.OK, added.exitCode(), added::toString);
        JsonNode status = Output.JSON.readTree(added.stdout());
        assertEquals("pinned", status.path("decision").stringValue());
        vcpuThreads = status.path("vcpus").valueStream().map(vcpu -> vcpu.path("threadId").intValue()).toList();
        Files.writeString(dir.resolve("not-json.json"), "{\"linux\": ");
        Files.writeString(dir.resolve("cpus-not-a-string.json"), "{\"linux\":{\"resources\":{\"cpu\":{\"cpus\":3}}}}");
        Files.writeString(dir.resolve("bad.toml"), "[runtime]\nenable_vcpus_pinning = 1\n");
        Files.writeString(dir.resolve("not.toml"), "[runtime\n");
    }

    @AfterAll
    static void stop() {
        if (vm != null) {
            vm.close();
        }
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.argumentSet("unknown container updated", List.of("container", "update", "nope", "--cpus", "0")),
                Arguments.argumentSet("unknown container deleted", List.of("container", "delete", "nope")),
                Arguments.argumentSet("container added twice", List.of("container", "add", "c1", "--cpus", "0")),
                Arguments.argumentSet("blank container id", List.of("container", "delete", " ")),
                Arguments.argumentSet("bad cpulist", List.of("container", "add", "c2", "--cpus", "0-x")),
                Arguments.argumentSet("bad mems", List.of("container", "add", "c2", "--cpus", "0", "--mems", "0,,1")),
                Arguments.argumentSet("CPU above the largest id", List.of("container", "add", "c2", "--cpus", "99999")),
                Arguments.argumentSet("OCI file that is not JSON", oci("not-json.json")),
                Arguments.argumentSet("OCI cpus that is not a string", oci("cpus-not-a-string.json")),
                Arguments.argumentSet("missing OCI file", oci("absent.json")),
                Arguments.argumentSet("both --cpus and --oci", List.of("container", "add", "c2", "--cpus", "0", "--oci", "x.json")),
                Arguments.argumentSet("no resources", List.of("container", "update", "c1")),
                Arguments.argumentSet("VM started twice", List.of("vm-started")),
                Arguments.argumentSet("TOML key of the wrong type", config("bad.toml")),
                Arguments.argumentSet("not TOML", config("not.toml")),
                Arguments.argumentSet("missing configuration file", config("absent.toml")),
                Arguments.argumentSet("bad annotation value", List.of(
                        "--annotation", "io.katacontainers.config.runtime.enable_vcpus_pinning=yes", "container", "delete", "c1")),
                Arguments.argumentSet("unknown option", List.of("container", "delete", "c1", "--force")),
                Arguments.argumentSet("another VMM than the state file's", List.of("--vmm", "firecracker", "container", "delete", "c1")));
    }

    @ParameterizedTest
    @MethodSource("badInput")
    void badInputExitsTwoAndChangesNothing(List<String> command) throws Exception {
        byte[] state = Files.readAllBytes(vm.state);
        List<CpuSet> affinities = vm.allowedCpus(vcpuThreads);
        InProcess.Result result = InProcess.run(vm.args(command.toArray(String[]::new)));
        assertEquals(KataPinning.BAD_INPUT, result.exitCode(), result::toString);
        assertEquals(1, result.stderr().lines().count(), result::toString);
        assertEquals("", result.stdout());
        assertArrayEquals(state, Files.readAllBytes(vm.state), "the state file changed");
        assertEquals(affinities, vm.allowedCpus(vcpuThreads), "a vCPU thread's affinity changed");
    }

    private static List<String> oci(String file) {
        return List.of("container", "add", "c2", "--oci", dir.resolve(file).toString());
    }

    private static List<String> config(String file) {
        return List.of("--config", dir.resolve(file).toString(), "container", "delete", "c1");
    }
}
