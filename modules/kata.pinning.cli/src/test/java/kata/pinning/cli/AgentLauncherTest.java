package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.qmp.HotpluggableCpu;
import kata.pinning.qmp.QmpClient;
import kata.pinning.testing.NamedThreads;
import kata.pinning.testing.QemuVm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code kata-pinning agent} against a node that this test plays Kata on: sandbox cgroups under the
 * host's cpuset hierarchy, VMMs moved into them (a real QEMU whose QMP socket the test holds, and
 * named-thread stand-ins of the other kinds), and unions written into {@code cpuset.cpus} as the
 * runtime writes them. Every affinity is read from {@code /proc}; the metrics over HTTP.
 */
class AgentLauncherTest {

    /** How long a reaction may take here; the target is far lower, this only bounds a hung test. */
    private static final Duration REACTION = Duration.ofSeconds(20);
    private static final List<String> FAST = List.of("--scan-interval", "200ms", "--recheck-interval", "200ms");

    @TempDir
    Path dir;
    private SandboxCgroups cgroups;
    private Path bundles;
    private Path config;
    private final List<AutoCloseable> started = new ArrayList<>();

    @BeforeEach
    void playKata() throws IOException {
        SandboxCgroups.assumeCpusetV1();
        QemuVm.assumeQemu();
        cgroups = SandboxCgroups.create();
        bundles = Files.createDirectory(dir.resolve("bundles"));
        config = Files.writeString(dir.resolve("configuration.toml"),
                "[runtime]\nenable_vcpus_pinning = true\n[hypervisor.qemu]\ndefault_vcpus = 1\n");
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable process : started.reversed()) {
            process.close();
        }
        if (cgroups != null) {
            cgroups.close();
        }
    }

    private <T extends AutoCloseable> T started(T process) {
        started.add(process);
        return process;
    }

    private NamedThreads standIn(String kind, List<String> vcpus, String... args) throws IOException {
        return started(NamedThreads.start(Files.createDirectories(dir.resolve("bin-" + started.size())), kind, vcpus, List.of(), args));
    }

    private AgentProcess agent() throws Exception {
        return agent(FAST);
    }

    private AgentProcess agent(List<String> intervals) throws Exception {
        return started(AgentProcess.start(List.of("--config", config.toString()),
                concat(intervals, List.of("--bundle-dir", bundles.toString()))));
    }

    private void annotate(String sandbox, boolean pinning) throws IOException {
        Path bundle = Files.createDirectories(bundles.resolve(sandbox));
        Files.writeString(bundle.resolve("config.json"), "{\"ociVersion\":\"1.1.0\",\"annotations\":{"
                + "\"io.katacontainers.config.runtime.enable_vcpus_pinning\":\"" + pinning + "\"}}");
    }

    @Test
    void followsEachSandboxCgroupsUnionAndLeavesEveryOtherProcessAlone() throws Exception {
        NamedThreads clh = standIn("cloud-hypervisor", List.of("vcpu0", "vcpu1"), "--api-socket", "/run/vc/vm/clhA/clh-api.sock");
        Path clhCgroup = cgroups.sandbox("clhA", CpuSet.of(0, 1), clh.pid());
        NamedThreads off = standIn("firecracker", List.of("fc_vcpu 0", "fc_vcpu 1"), "--id", "fcOff");
        cgroups.sandbox("fcOff", CpuSet.of(0, 1), off.pid());
        annotate("fcOff", false);
        NamedThreads notKata = standIn("openvmm", List.of("vp-0", "vp-1"));
        QemuVm qemu = started(QemuVm.start(Files.createDirectory(dir.resolve("qemu")), 1, 2, "-name", "sandbox-qemuQ,debug-threads=on"));
        QmpClient qmp = started(QmpClient.connect(qemu.qmpSocket(), Duration.ofSeconds(10))); // held, as the runtime holds it
        cgroups.sandbox("qemuQ", CpuSet.of(0, 1), qemu.pid());
        taskset(notKata.pid(), notKata.tid("vp-0"), CpuSet.of(1));

        AgentProcess agent = agent();
        await(() -> agent.get("/readyz").statusCode() == 200, "the agent is ready after its first scan");
        assertEquals(200, agent.get("/healthz").statusCode());

        // Two vCPUs for a union of two CPUs: one each.
        List<Integer> clhVcpus = List.of(clh.tid("vcpu0"), clh.tid("vcpu1"));
        await(() -> affinities(clh.pid(), clhVcpus).equals(Set.of(CpuSet.of(0), CpuSet.of(1))), "clhA is pinned one to one");
        // One vCPU for two CPUs: the whole union. The annotation says no: untouched. No sandbox id: untouched.
        assertEquals(Set.of(CpuSet.of(0, 1)), affinities(off.pid(), List.of(off.tid("fc_vcpu 0"), off.tid("fc_vcpu 1"))));
        assertEquals(CpuSet.of(1), LiveVm.allowedCpus(notKata.pid(), notKata.tid("vp-0")));
        // The gauges count every VMM of the node: at least these (a machine that runs other tests may have more).
        assertTrue(agent.metric("kata_pinning_sandboxes{state=\"pinning\"}") >= 2.0, agent::logText);
        assertTrue(agent.metric("kata_pinning_sandboxes{state=\"disabled\"}") >= 1.0, agent::logText);
        assertTrue(agent.metric("kata_pinning_sandboxes{state=\"not_kata\"}") >= 1.0, agent::logText);

        // The runtime shrinks the union: reset; it grows again: pinned again.
        SandboxCgroups.write(clhCgroup, CpuSet.of(1));
        await(() -> affinities(clh.pid(), clhVcpus).equals(Set.of(CpuSet.of(1))), "clhA is reset to its new union");
        SandboxCgroups.write(clhCgroup, CpuSet.of(0, 1));
        await(() -> affinities(clh.pid(), clhVcpus).equals(Set.of(CpuSet.of(0), CpuSet.of(1))), "clhA is pinned again");

        // A vCPU hot-plug over QMP: the next re-check places two vCPUs on two CPUs.
        HotpluggableCpu free = qmp.queryHotpluggableCpus().stream().filter(s -> !s.isPlugged()).findFirst().orElseThrow();
        qmp.execute("device_add", free.deviceAddArguments("vcpu1"));
        List<Integer> qemuVcpus = qmp.queryCpusFast().stream().map(c -> c.threadId()).toList();
        assertEquals(2, qemuVcpus.size());
        await(() -> affinities(qemu.pid(), qemuVcpus).equals(Set.of(CpuSet.of(0), CpuSet.of(1))), "the hot-plugged vCPU is placed");
        assertTrue(agent.metric("kata_pinning_vcpus{state=\"pinned\"}") >= 4.0, agent::logText);

        // A VMM killed mid-run is forgotten, once, with no error.
        double errorsBefore = errors(agent);
        double pinning = agent.metric("kata_pinning_sandboxes{state=\"pinning\"}");
        clh.close();
        agent.awaitLog(line -> "forgotten".equals(AgentProcess.field(line, "event"))
                && "clhA".equals(AgentProcess.field(line, "sandbox")), REACTION);
        Thread.sleep(1000); // a few scans and re-checks more
        assertEquals(1, agent.logLines(line -> "forgotten".equals(AgentProcess.field(line, "event"))).size(), agent::logText);
        assertEquals(errorsBefore, errors(agent), agent::logText);
        assertEquals(pinning - 1, agent.metric("kata_pinning_sandboxes{state=\"pinning\"}"), agent::logText);

        // SIGTERM ends it at once and undoes nothing.
        assertEquals(143, agent.stop(), "SIGTERM ends the JVM with 128 + 15");
        assertEquals(Set.of(CpuSet.of(0), CpuSet.of(1)), affinities(qemu.pid(), qemuVcpus));

        // A restart on a steady node makes no set call at all.
        AgentProcess again = agent();
        await(() -> again.get("/readyz").statusCode() == 200, "the restarted agent is ready");
        Thread.sleep(1000); // re-checks
        assertEquals(0.0, again.metric("kata_pinning_affinity_sets_total"), again::logText);
        assertEquals(pinning - 1, again.metric("kata_pinning_sandboxes{state=\"pinning\"}"), again::logText);
    }

    @Test
    void backsOffOnlyTheSandboxWhoseThreadsAnotherWriterKeepsPinning() throws Exception {
        NamedThreads fought = standIn("cloud-hypervisor", List.of("vcpu0", "vcpu1"), "--api-socket", "/run/vc/vm/fought/clh-api.sock");
        cgroups.sandbox("fought", CpuSet.of(0, 1), fought.pid());
        NamedThreads calm = standIn("cloud-hypervisor", List.of("vcpu0", "vcpu1"), "--api-socket", "/run/vc/vm/calm/clh-api.sock");
        Path calmCgroup = cgroups.sandbox("calm", CpuSet.of(0, 1), calm.pid());
        // A whole re-check, which sees an affinity changed under the agent, is every 30th: 3 s here.
        AgentProcess agent = agent(List.of("--scan-interval", "200ms", "--recheck-interval", "100ms"));
        List<Integer> foughtVcpus = List.of(fought.tid("vcpu0"), fought.tid("vcpu1"));
        await(() -> affinities(fought.pid(), foughtVcpus).equals(Set.of(CpuSet.of(0), CpuSet.of(1))), "fought is pinned");

        Thread writer = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    for (int tid : foughtVcpus) {
                        taskset(fought.pid(), tid, CpuSet.of(0, 1)); // another pinner that wants them floating
                    }
                    Thread.sleep(50);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        });
        try {
            agent.awaitLog(line -> "backed-off".equals(AgentProcess.field(line, "event")), REACTION);
        } finally {
            writer.interrupt();
            writer.join();
        }
        JsonNode backedOff = agent.logLines(line -> "backed-off".equals(AgentProcess.field(line, "event"))).getFirst();
        assertEquals("fought", AgentProcess.field(backedOff, "sandbox"));
        assertEquals(1.0, agent.metric("kata_pinning_sandboxes{state=\"backed_off\"}"), agent::logText);
        double sets = agent.metric("kata_pinning_affinity_sets_total");
        Thread.sleep(1000);
        assertEquals(sets, agent.metric("kata_pinning_affinity_sets_total"), "nothing touches the sandbox it backed off from");
        assertEquals(1, agent.logLines(line -> "backed-off".equals(AgentProcess.field(line, "event"))).size(), "said once");

        // The other sandbox goes on.
        SandboxCgroups.write(calmCgroup, CpuSet.of(0));
        List<Integer> calmVcpus = List.of(calm.tid("vcpu0"), calm.tid("vcpu1"));
        await(() -> affinities(calm.pid(), calmVcpus).equals(Set.of(CpuSet.of(0))), "calm follows its union");
    }

    /** {@return the distinct affinities of these threads, from {@code /proc}} */
    static Set<CpuSet> affinities(long pid, List<Integer> tids) throws IOException {
        Set<CpuSet> seen = new java.util.HashSet<>();
        for (int tid : tids) {
            seen.add(LiveVm.allowedCpus(pid, tid));
        }
        return seen;
    }

    private static double errors(AgentProcess agent) throws Exception {
        return agent.metrics().entrySet().stream().filter(e -> e.getKey().startsWith("kata_pinning_errors_total"))
                .mapToDouble(java.util.Map.Entry::getValue).sum();
    }

    /** Sets a thread's affinity with util-linux's {@code taskset}, as another tool would. */
    static void taskset(long pid, int tid, CpuSet cpus) throws IOException {
        try {
            Process taskset = new ProcessBuilder("taskset", "-p", "-c", cpus.toString(), Integer.toString(tid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (taskset.waitFor() != 0) {
                throw new IOException("taskset failed for thread " + tid + " of " + pid);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Waits until a condition holds, checking every 20 ms, for at most {@link #REACTION}. */
    static void await(Callable<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + REACTION.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + REACTION + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
