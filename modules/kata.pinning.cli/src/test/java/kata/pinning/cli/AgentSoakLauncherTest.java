package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.Set;
import java.util.stream.Stream;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.testing.NamedThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A soak of the agent: sandboxes in their own cgroups, random unions written into them, VMMs killed
 * and started again, and an agent restart half-way. At the end every sandbox's affinities match its
 * union (no decision lost). It reports the reaction time, from the cgroup write until {@code /proc}
 * shows the placement, and the agent's CPU at rest, RSS, threads and fds, into
 * {@code target/agent-soak.txt}. CI runs 60 s with 10 sandboxes; {@code -Dagent.soak.seconds=600
 * -Dagent.soak.sandboxes=50} is the long run.
 */
class AgentSoakLauncherTest {

    private static final int SECONDS = Integer.getInteger("agent.soak.seconds", 60);
    private static final int SANDBOXES = Integer.getInteger("agent.soak.sandboxes", 10);
    private static final List<CpuSet> UNIONS = List.of(CpuSet.of(0), CpuSet.of(1), CpuSet.of(0, 1));

    /** One sandbox the test plays the runtime of. */
    private static final class Sandbox {
        final String id;
        NamedThreads vmm;
        Path cgroup;
        CpuSet union = CpuSet.of(0, 1);

        Sandbox(String id) {
            this.id = id;
        }

        List<Integer> vcpus() {
            return List.of(vmm.tid("vcpu0"), vmm.tid("vcpu1"));
        }

        /** The exact rule: two vCPUs on two CPUs are one each; otherwise both get the whole union. */
        Set<CpuSet> expected() {
            return union.size() == 2 ? Set.of(CpuSet.of(0), CpuSet.of(1)) : Set.of(union);
        }

        boolean placed() throws IOException {
            return AgentLauncherTest.affinities(vmm.pid(), vcpus()).equals(expected());
        }
    }

    @TempDir
    Path dir;
    private SandboxCgroups cgroups;
    private final List<Sandbox> sandboxes = new ArrayList<>();
    private AgentProcess agent;

    @BeforeEach
    void playKata() throws IOException {
        SandboxCgroups.assumeCpusetV1();
        cgroups = SandboxCgroups.create();
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (agent != null) {
            agent.close();
        }
        for (Sandbox s : sandboxes) {
            if (s.vmm != null) {
                s.vmm.close();
            }
        }
        if (cgroups != null) {
            cgroups.close();
        }
    }

    private void startVmm(Sandbox s, int generation) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin-" + s.id + "-" + generation));
        s.vmm = NamedThreads.start(bin, "cloud-hypervisor", List.of("vcpu0", "vcpu1"), List.of(),
                "--api-socket", "/run/vc/vm/" + s.id + "/clh-api.sock");
        if (s.cgroup == null) {
            s.cgroup = cgroups.sandbox(s.id, s.union, s.vmm.pid());
        } else {
            Files.writeString(s.cgroup.resolve("cgroup.procs"), Long.toString(s.vmm.pid()));
        }
    }

    private AgentProcess startAgent() throws Exception {
        Path config = Files.writeString(dir.resolve("configuration.toml"),
                "[runtime]\nenable_vcpus_pinning = true\n[hypervisor.clh]\ndefault_vcpus = 2\n");
        return AgentProcess.start(List.of("--config", config.toString()),
                List.of("--scan-interval", "1s", "--recheck-interval", "1s", "--bundle-dir", dir.resolve("bundles").toString()));
    }

    @Test
    void noDecisionIsLostAndTheAgentStaysFlat() throws Exception {
        for (int i = 0; i < SANDBOXES; i++) {
            Sandbox s = new Sandbox("soak" + i);
            sandboxes.add(s);
            startVmm(s, 0);
        }
        agent = startAgent();
        AgentLauncherTest.await(() -> agent.get("/readyz").statusCode() == 200, "ready");
        for (Sandbox s : sandboxes) {
            AgentLauncherTest.await(s::placed, s.id + " placed at start");
        }
        long[] first = sample(agent.pid());

        Random random = new Random(42);
        List<Long> reactions = new ArrayList<>();
        List<Write> written = new ArrayList<>();
        int writes = 0;
        int kills = 0;
        boolean restarted = false;
        long end = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
        long half = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos() / 2;
        while (System.nanoTime() < end) {
            Sandbox s = sandboxes.get(random.nextInt(sandboxes.size()));
            if (!restarted && System.nanoTime() > half) {
                agent.close(); // SIGTERM; the new agent takes the node over
                agent = startAgent();
                AgentLauncherTest.await(() -> agent.get("/readyz").statusCode() == 200, "ready after restart");
                restarted = true;
            } else if (random.nextInt(20) == 0) {
                s.vmm.close(); // killed: its successor lands in the same cgroup, with another pid
                startVmm(s, ++kills);
                AgentLauncherTest.await(s::placed, s.id + " placed after its VMM was started again");
            } else {
                CpuSet next = UNIONS.get(random.nextInt(UNIONS.size()));
                if (next.equals(s.union)) {
                    continue;
                }
                s.union = next;
                long writtenAt = System.nanoTime();
                written.add(new Write(s.id, next.toString(), Instant.now()));
                SandboxCgroups.write(s.cgroup, next);
                writes++;
                while (!s.placed()) {
                    if (System.nanoTime() - writtenAt > Duration.ofSeconds(20).toNanos()) {
                        throw new AssertionError(s.id + " not placed for " + next + " within 20 s\n" + agent.logText());
                    }
                    LockSupport.parkNanos(200_000); // polls /proc without taking a CPU from the agent
                }
                reactions.add(System.nanoTime() - writtenAt);
            }
            Thread.sleep(random.nextInt(100));
        }
        for (Sandbox s : sandboxes) {
            assertTrue(s.placed(), s.id + " matches its union " + s.union + " at the end");
        }
        long[] last = sample(agent.pid());
        Thread.sleep(5000); // the last steps and compilations settle
        long atRest = cpuTicksOver(agent.pid(), Duration.ofSeconds(10));

        long[] sorted = reactions.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] steps = agentReactions(written, agent).stream().mapToLong(Long::longValue).sorted().toArray();
        String report = String.format("agent soak: %d sandboxes, %d s, %d union writes, %d VMM restarts, 1 agent restart%n"
                        + "reaction (cgroup write to placement seen in /proc): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n"
                        + "reaction (cgroup write to the agent's decision line, after its last set call; %d of them): "
                        + "p50 %.1f ms, p99 %.1f ms%n"
                        + "agent at rest: %.2f%% of one CPU over 10 s%n"
                        + "agent after start: RSS %d KiB, %d threads, %d fds; at the end: RSS %d KiB, %d threads, %d fds%n",
                SANDBOXES, SECONDS, writes, kills, percentile(sorted, 50) / 1e6, percentile(sorted, 99) / 1e6,
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, steps.length, percentile(steps, 50) / 1e6,
                percentile(steps, 99) / 1e6, atRest / 10.0, first[0], first[1], first[2],
                last[0], last[1], last[2]);
        Files.writeString(Path.of("target", "agent-soak.txt"), report);
        System.out.print(report);
        assertTrue(writes > 0, "the soak wrote unions");
        assertEquals(0.0, agent.metric("kata_pinning_sandboxes{state=\"failed\"}"), agent::logText);
        assertEquals(0.0, agent.metric("kata_pinning_sandboxes{state=\"backed_off\"}"), agent::logText);
    }

    /** A union the test wrote, and when. */
    private record Write(String sandbox, String union, Instant at) {
    }

    /**
     * {@return for each write that the agent's last run answered with a step before the sandbox's
     * next write: the time from the write to the step's log line} The line is written after the
     * step's last set call.
     */
    private static List<Long> agentReactions(List<Write> writes, AgentProcess agent) {
        List<tools.jackson.databind.JsonNode> decisions = agent.logLines(l -> "cgroup".equals(AgentProcess.field(l, "trigger")));
        List<Long> reactions = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            Write w = writes.get(i);
            Instant next = writes.subList(i + 1, writes.size()).stream().filter(n -> n.sandbox.equals(w.sandbox))
                    .map(Write::at).findFirst().orElse(Instant.MAX); // a later write of the sandbox answers for itself
            decisions.stream()
                    .filter(l -> w.sandbox.equals(AgentProcess.field(l, "sandbox")) && w.union.equals(AgentProcess.field(l, "union")))
                    .map(l -> Instant.parse(AgentProcess.field(l, "time")))
                    .filter(t -> !t.isBefore(w.at) && t.isBefore(next))
                    .min(Instant::compareTo)
                    .ifPresent(t -> reactions.add(Duration.between(w.at, t).toNanos()));
        }
        return reactions;
    }

    private static long percentile(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** {@return RSS in KiB, threads and open fds of a process, from {@code /proc}} */
    static long[] sample(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        long rss = 0;
        long threads = 0;
        for (String line : Files.readAllLines(proc.resolve("status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", ""));
            } else if (line.startsWith("Threads:")) {
                threads = Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            return new long[] {rss, threads, fds.count()};
        }
    }

    /** {@return the process's CPU time, user and system, over a wait, in hundredths of a second (clock ticks)} */
    static long cpuTicksOver(long pid, Duration wait) throws IOException, InterruptedException {
        long before = cpuTicks(pid);
        Thread.sleep(wait.toMillis());
        return cpuTicks(pid) - before;
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime and stime, fields 14 and 15
    }
}
