package kata.pinning.cli;

import static kata.pinning.cli.Launcher.kataPinning;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lifecycle commands of one state file run at the same time, as launcher processes against a real
 * QEMU: the state file's lock makes them take turns, so no update is lost.
 */
class StateLockLauncherTest {

    private static final int COMMANDS = 8;

    @TempDir
    static Path dir;
    static LiveVm vm;

    @BeforeAll
    static void boot() throws Exception {
        vm = LiveVm.start(dir);
        kataPinning(vm.args("vm-started")).assertSuccess();
    }

    @AfterAll
    static void stop() {
        if (vm != null) {
            vm.close();
        }
    }

    @Test
    void eightAddsAtOnceAllLandAndTheVcpusFollowTheirUnion() throws Exception {
        // Even containers get the lower CPU, odd ones the higher: the union has as many CPUs as the VM
        // has vCPUs, so the rule pins vCPU i to the i-th CPU, and a lost odd or even add shows.
        CpuSet two = vm.twoCpus();
        List<Future<Launcher.Result>> runs = new ArrayList<>();
        try (ExecutorService launchers = Executors.newFixedThreadPool(COMMANDS)) {
            for (int i = 0; i < COMMANDS; i++) {
                String cpu = Integer.toString(two.nth(i % 2));
                String id = "c" + i;
                runs.add(launchers.submit(() -> kataPinning(vm.args("--json", "container", "add", id, "--cpus", cpu))));
            }
        }
        List<String> decisions = new ArrayList<>();
        for (Future<Launcher.Result> run : runs) {
            decisions.add(run.get().json().path("decision").stringValue());
        }

        JsonNode saved = JsonMapper.builder().build().readTree(Files.readString(vm.state));
        Set<String> ids = new TreeSet<>(saved.path("sandbox").path("containers").propertyNames());
        assertEquals(Set.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"), ids, saved::toString);
        assertEquals("PINNED", saved.path("sandbox").path("pinState").stringValue(), saved::toString);
        List<Integer> tids = vcpuThreads();
        for (int i = 0; i < LiveVm.VCPUS; i++) {
            assertEquals(CpuSet.of(two.nth(i)), vm.allowedCpus(tids.get(i)), "vCPU " + i + " in /proc");
        }
        // The first add that completes the union pins; every add before it leaves the vCPUs alone
        // (one CPU for two vCPUs, nothing pinned yet) and every one after it finds the pin in force.
        assertEquals(1, decisions.stream().filter("pinned"::equals).count(), decisions::toString);
    }

    @Test
    void aLockHeldPastTheTimeoutFailsWithOneLineAndLeavesTheFileAsItWas() throws Exception {
        byte[] before = Files.readAllBytes(vm.state);
        Process holder = LockHolder.start(StateLock.lockFileOf(vm.state));
        try {
            Launcher.Result locked = kataPinning(vm.args("--lock-timeout", "1", "container", "add", "late", "--cpus",
                    Integer.toString(vm.twoCpus().first()))).assertFailure(KataPinning.FAILED);

            assertTrue(locked.stderr().contains("the state file " + vm.state + " is locked by another process (pid "
                    + holder.pid() + "), still after 1 s (--lock-timeout); nothing was changed"), locked::toString);
            assertArrayEquals(before, Files.readAllBytes(vm.state), "the state file is byte-identical");
        } finally {
            holder.destroyForcibly().waitFor();
        }
        kataPinning(vm.args("--lock-timeout", "0", "status")).assertSuccess();
    }

    private static List<Integer> vcpuThreads() throws Exception {
        JsonNode status = kataPinning(vm.args("--json", "status")).json();
        return status.path("vcpus").valueStream().map(v -> v.path("threadId").intValue()).toList();
    }
}
