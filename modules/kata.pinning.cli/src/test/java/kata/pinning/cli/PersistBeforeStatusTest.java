package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kata.pinning.affinity.LinuxThreads;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cli.demo.EmbeddedVmm;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A lifecycle command whose operation succeeds but whose status query afterwards fails: the state
 * file already holds the operation's result, so it matches what the kernel was told.
 */
class PersistBeforeStatusTest {

    @TempDir
    Path dir;

    @Test
    void aFailedStatusQueryLeavesTheFileMatchingTheKernel() throws Exception {
        CpuSet allowed = LinuxThreads.processAffinity();
        assumeTrue(allowed.size() >= 2, "needs two CPUs");
        CpuSet two = CpuSet.of(allowed.nth(0), allowed.nth(1));
        Path config = Files.writeString(dir.resolve("configuration.toml"),
                "[runtime]\nenable_vcpus_pinning = true\n[hypervisor.qemu]\ndefault_vcpus = 2\n");
        Path state = dir.resolve("state.json");
        try (EmbeddedVmm vmm = EmbeddedVmm.start(dir.resolve("qmp.sock"), 2, 2)) {
            assertEquals(KataPinning.OK, InProcess.run(args(vmm.qmpSocket(), vmm, config, state, "vm-started")).exitCode());
            InProcess.Result failed;
            try (StatusDroppingProxy proxy = StatusDroppingProxy.start(dir.resolve("proxy.sock"), vmm.qmpSocket(), state)) {
                failed = InProcess.run(args(dir.resolve("proxy.sock"), vmm, config, state,
                        "container", "add", "c1", "--cpus", two.toString()));
                assertTrue(proxy.dropped(), failed::toString);
            }

            assertEquals(KataPinning.FAILED, failed.exitCode(), failed::toString);
            JsonNode saved = Output.JSON.readTree(Files.readString(state));
            assertEquals(two.toString(), saved.path("sandbox").path("containers").path("c1").path("cpus").stringValue());
            assertEquals("PINNED", saved.path("sandbox").path("pinState").stringValue());
            assertEquals("pinned", saved.path("decision").stringValue());
            InProcess.Result status = InProcess.run(args(vmm.qmpSocket(), vmm, config, state, "--json", "status"));
            assertEquals(KataPinning.OK, status.exitCode(), status::toString);
            for (JsonNode vcpu : Output.JSON.readTree(status.stdout()).path("vcpus")) {
                assertEquals(CpuSet.of(two.nth(vcpu.path("index").intValue())),
                        ThreadAffinity.linux().get(vcpu.path("threadId").intValue()), "the kernel has the pin the file records");
            }
        }
    }

    private static String[] args(Path socket, EmbeddedVmm vmm, Path config, Path state, String... command) {
        List<String> args = new ArrayList<>(List.of("--qmp", socket.toString(), "--pid", Integer.toString(vmm.pid()),
                "--config", config.toString(), "--state", state.toString()));
        args.addAll(List.of(command));
        return args.toArray(String[]::new);
    }
}
