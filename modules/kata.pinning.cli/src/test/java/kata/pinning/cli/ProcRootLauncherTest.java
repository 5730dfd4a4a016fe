package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.testing.NamedThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code --proc}: the launcher in a private mount namespace where the host's procfs is bind-mounted
 * at another path and {@code /proc/<pid>/task} of the VMM is hidden under an empty tmpfs, as a node
 * agent's container may see it. Needs root and {@code unshare}.
 */
class ProcRootLauncherTest {

    @TempDir
    Path dir;

    @Test
    void theCommandsReadTheVmmUnderTheProcRootGivenAndPinIt() throws Exception {
        assumeTrue(canMountInANewNamespace(), "needs unshare -m and mount, as root with CAP_SYS_ADMIN");
        try (NamedThreads vmm = NamedThreads.start(dir, "cloud-hypervisor", List.of("vcpu0", "vcpu1"), List.of())) {
            CpuSet all = LiveVm.allowedCpus(vmm.pid(), vmm.pid());
            assumeTrue(all.size() >= 2, "needs two CPUs");
            CpuSet two = CpuSet.of(all.nth(0), all.nth(1));
            Path hostProc = Files.createDirectory(dir.resolve("host-proc"));
            Path config = Files.writeString(dir.resolve("configuration.toml"),
                    "[runtime]\nenable_vcpus_pinning = true\n[hypervisor.clh]\ndefault_vcpus = 2\n");
            List<String> options = List.of("--vmm", "cloud-hypervisor", "--pid", Integer.toString(vmm.pid()),
                    "--config", config.toString(), "--state", dir.resolve("state.json").toString());
            Map<String, String> env = Map.of("HOST_PROC", hostProc.toString(), "VMM_PID", Integer.toString(vmm.pid()));

            inNamespace(env, options, "inspect").assertFailure(KataPinning.FAILED); // /proc shows it no thread now
            List<String> elsewhere = new ArrayList<>(List.of("--proc", hostProc.toString()));
            elsewhere.addAll(options);
            inNamespace(env, elsewhere, "vm-started").assertSuccess();
            JsonNode pinned = inNamespace(env, elsewhere, "--json", "container", "add", "c1", "--cpus", two.toString()).json();

            assertEquals("pinned", pinned.path("decision").stringValue());
            assertEquals(CpuSet.of(two.nth(0)), LiveVm.allowedCpus(vmm.pid(), vmm.tid("vcpu0")));
            assertEquals(CpuSet.of(two.nth(1)), LiveVm.allowedCpus(vmm.pid(), vmm.tid("vcpu1")));
        }
    }

    /** Whether this machine lets the test mount a tmpfs in a new mount namespace (not in every container). */
    private boolean canMountInANewNamespace() throws Exception {
        Path probe = Files.createDirectory(dir.resolve("probe"));
        try {
            Process unshare = new ProcessBuilder("unshare", "-m", "mount", "-t", "tmpfs", "none", probe.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return unshare.waitFor() == 0;
        } catch (IOException noUnshare) {
            return false;
        }
    }

    /** Runs the launcher in a new mount namespace with the host's procfs at $HOST_PROC and $VMM_PID's tasks hidden in /proc. */
    private static Launcher.Result inNamespace(Map<String, String> env, List<String> options, String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                "mount --bind /proc \"$HOST_PROC\" && mount -t tmpfs none \"/proc/$VMM_PID/task\" && exec \"$@\"",
                "sh", Launcher.KATA_PINNING.toString()));
        argv.addAll(options);
        argv.addAll(List.of(command));
        return Launcher.run(argv, env);
    }
}
