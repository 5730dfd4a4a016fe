package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.testing.NamedThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code kata-pinning agent --once} as the DaemonSet runs it: in a private mount namespace with the
 * host's {@code /proc} and {@code /sys} bound at {@code host/proc} and {@code host/sys}, so that the
 * sandbox cgroup is found through the host's mountinfo at a sysfs that is not {@code /sys}.
 */
class AgentOnceLauncherTest {

    @TempDir
    Path dir;
    private SandboxCgroups cgroups;
    private Path config;

    @BeforeEach
    void playKata() throws IOException {
        SandboxCgroups.assumeCpusetV1();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "needs util-linux's unshare");
        cgroups = SandboxCgroups.create();
        config = Files.writeString(dir.resolve("configuration.toml"),
                "[runtime]\nenable_vcpus_pinning = true\n[hypervisor.clh]\ndefault_vcpus = 1\n");
        Files.createDirectories(dir.resolve("host/proc"));
        Files.createDirectories(dir.resolve("host/sys"));
    }

    @AfterEach
    void removeCgroups() throws IOException {
        if (cgroups != null) {
            cgroups.close();
        }
    }

    @Test
    void onePassInAContainerLikeMountNamespacePinsAndReportsEveryVmmAsStatusDoes() throws Exception {
        try (NamedThreads clh = NamedThreads.start(dir, "cloud-hypervisor", List.of("vcpu0", "vcpu1"), List.of(),
                     "--api-socket", "/run/vc/vm/onceA/clh-api.sock");
             NamedThreads notKata = NamedThreads.start(Files.createDirectory(dir.resolve("other")), "openvmm",
                     List.of("vp-0"), List.of())) {
            cgroups.sandbox("onceA", CpuSet.of(0, 1), clh.pid());
            String hostProc = dir.resolve("host/proc").toString();
            String hostSys = dir.resolve("host/sys").toString();
            Launcher.Result once = Launcher.run(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                    "mount --bind /proc \"$1\" && mount --rbind /sys \"$2\" && shift 2 && exec \"$@\"", "sh", hostProc, hostSys,
                    Launcher.KATA_PINNING.toString(), "--proc", hostProc, "--sysfs", hostSys, "--config", config.toString(),
                    "--json", "agent", "--once", "--log-format", "json", "--bundle-dir", dir.resolve("bundles").toString()),
                    Map.of()).assertSuccess();

            Map<Integer, JsonNode> byPid = new HashMap<>();
            Output.JSON.readTree(once.stdout()).path("sandboxes").forEach(s -> byPid.put(s.path("pid").intValue(), s));
            JsonNode pinned = byPid.get(clh.pid());
            assertEquals(List.of("sandbox", "pid", "vmm", "source", "state", "problem", "status"),
                    List.copyOf(pinned.propertyNames()), pinned::toString);
            assertEquals("onceA", pinned.path("sandbox").stringValue());
            assertEquals("cloud-hypervisor", pinned.path("vmm").stringValue());
            assertEquals("thread-names", pinned.path("source").stringValue());
            assertEquals("pinning", pinned.path("state").stringValue());
            assertEquals("pinned", pinned.path("status").path("decision").stringValue(), pinned::toString);
            assertEquals("0-1", pinned.path("status").path("cpuset").stringValue(), pinned::toString);
            assertEquals(Set.of(CpuSet.of(0), CpuSet.of(1)),
                    AgentLauncherTest.affinities(clh.pid(), List.of(clh.tid("vcpu0"), clh.tid("vcpu1"))));

            JsonNode other = byPid.get(notKata.pid());
            assertEquals("not_kata", other.path("state").stringValue(), other::toString);
            assertTrue(other.path("status").isNull(), other::toString);
        }
    }

    @Test
    void aProcOfAnotherPidNamespaceIsRefusedWithOneLineThatSaysWhy() throws Exception {
        String hostProc = dir.resolve("host/proc").toString();
        Launcher.Result refused = Launcher.run(List.of("unshare", "--pid", "--fork", "--mount", "--propagation", "private",
                "sh", "-c", "mount --bind /proc \"$1\" && mount -t proc proc /proc && shift && exec \"$@\"", "sh", hostProc,
                Launcher.KATA_PINNING.toString(), "--proc", hostProc, "--config", config.toString(), "agent", "--once"),
                Map.of()).assertFailure(KataPinning.BAD_INPUT);
        String line = refused.stderr().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains("--proc " + hostProc + " is the procfs of another pid namespace")
                && line.contains("hostPID: true"), line);
    }
}
