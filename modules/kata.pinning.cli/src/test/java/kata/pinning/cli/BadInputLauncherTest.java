package kata.pinning.cli;

import static kata.pinning.cli.Launcher.kataPinning;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input and failed operations against a pinned sandbox on a real QEMU: each exits with its code
 * and one line, and leaves both the state file (byte for byte) and the vCPU threads' affinities as
 * they were.
 */
class BadInputLauncherTest {

    @TempDir
    static Path dir;
    static LiveVm vm;
    static CpuSet two;
    static List<Integer> vcpuThreads;

    @BeforeAll
    static void pinASandbox() throws Exception {
        vm = LiveVm.start(dir);
        two = vm.twoCpus();
        kataPinning(vm.args("vm-started")).assertSuccess();
        vcpuThreads = kataPinning(vm.args("--json", "container", "add", "c1", "--cpus", two.toString())).json()
                .path("vcpus").valueStream().map(vcpu -> vcpu.path("threadId").intValue()).toList();
        Files.writeString(dir.resolve("not-json.json"), "{\"linux\": ");
    }

    @AfterAll
    static void stop() {
        if (vm != null) {
            vm.close();
        }
    }

    /** A few of {@link BadInputTest}'s cases, through the launcher; that test runs them all in-process. */
    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.argumentSet("unknown container updated", List.of("container", "update", "nope", "--cpus", "0")),
                Arguments.argumentSet("bad cpulist", List.of("container", "add", "c2", "--cpus", "0-x")),
                Arguments.argumentSet("OCI file that is not JSON",
                        List.of("container", "add", "c2", "--oci", dir.resolve("not-json.json").toString())),
                Arguments.argumentSet("bad annotation value",
                        List.of("--annotation", "io.katacontainers.config.runtime.enable_vcpus_pinning=yes", "container", "delete", "c1")));
    }

    @ParameterizedTest
    @MethodSource("badInput")
    void badInputExitsTwoAndChangesNothing(List<String> command) throws Exception {
        assertNothingChanges(KataPinning.BAD_INPUT, args -> args, command);
    }

    @Test
    void aVcpuThreadOutsideTheVmmFailsWithOneAndChangesNothing() throws Exception {
        String notQemu = Long.toString(ProcessHandle.current().pid());
        Launcher.Result foreign = assertNothingChanges(KataPinning.FAILED,
                args -> replace(args, "--pid", notQemu), List.of("container", "update", "c1", "--cpus", Integer.toString(two.first())));
        assertTrue(foreign.stderr().contains("not a task of"), foreign::toString);
    }

    @Test
    void anUnreachableVmmFailsWithOneAndChangesNothing() throws Exception {
        String gone = dir.resolve("gone.sock").toString();
        assertNothingChanges(KataPinning.FAILED, args -> replace(args, "--qmp", gone), List.of("container", "delete", "c1"));
    }

    @Test
    void aStateFileThatIsNotJsonExitsTwoAndStaysAsItIs() throws Exception {
        Path corrupt = Files.writeString(dir.resolve("corrupt-state.json"), "{\"sandbox\": [");
        byte[] before = Files.readAllBytes(corrupt);
        kataPinning(replace(vm.args("container", "delete", "c1"), "--state", corrupt.toString()))
                .assertFailure(KataPinning.BAD_INPUT);
        assertArrayEquals(before, Files.readAllBytes(corrupt));
    }

    /** Runs the command and checks its exit code, the state file's bytes and the vCPU threads' affinities. */
    private static Launcher.Result assertNothingChanges(int exitCode, Function<String[], String[]> options,
            List<String> command) throws Exception {
        byte[] state = Files.readAllBytes(vm.state);
        List<CpuSet> affinities = vm.allowedCpus(vcpuThreads);
        Launcher.Result result = kataPinning(options.apply(vm.args(command.toArray(String[]::new)))).assertFailure(exitCode);
        assertArrayEquals(state, Files.readAllBytes(vm.state), "the state file changed");
        assertEquals(affinities, vm.allowedCpus(vcpuThreads), "a vCPU thread's affinity changed");
        return result;
    }

    private static String[] replace(String[] args, String option, String value) {
        String[] copy = args.clone();
        copy[List.of(copy).indexOf(option) + 1] = value;
        return copy;
    }
}
