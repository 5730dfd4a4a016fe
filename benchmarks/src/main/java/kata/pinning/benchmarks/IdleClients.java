package kata.pinning.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import kata.pinning.ContainerEvent;
import kata.pinning.CpuResources;
import kata.pinning.SandboxResources;
import kata.pinning.cgroup.SandboxCgroup;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.cpuset.HostCpus;
import kata.pinning.qmp.QmpClient;
import kata.pinning.testing.InstantQmpServer;

/**
 * What 200 idle sandboxes cost in one JVM: 200 {@link SandboxResources}, each with its own
 * {@link QmpClient} on its own UNIX socket, served by one {@link InstantQmpServer} thread, each
 * started and pinned once, then left idle (after 20 more that warm the JVM up). Prints one line, {@code threads=T heap=B rss=B}: the
 * JVM's live platform threads (the server's included), and the heap (after GC) and resident memory
 * each sandbox added. Not a JMH benchmark, since it counts rather than times: {@link Suite} runs it
 * in a JVM of its own, so nothing else's threads count. Targets: at most 16 platform threads, at
 * most 64 KiB per idle client.
 *
 * <p>The vCPUs the fake QEMU reports are two threads of this JVM (its first thread and its reference
 * handler), so the pinning calls are real ones on real tasks of the "VMM" pid.
 */
public final class IdleClients {

    static final int SANDBOXES = 200;
    private static final int WARM_UP = 20;

    private IdleClients() {
    }

    /** Held so that the level sticks: the logging framework keeps loggers weakly. */
    private static final Logger LIBRARY_LOG = Logger.getLogger("kata.pinning");

    public static void main(String[] args) throws Exception {
        LIBRARY_LOG.setLevel(Level.WARNING); // a line per check otherwise
        Path dir = Files.createTempDirectory("kata-pinning-idle");
        List<Path> sockets = new ArrayList<>();
        for (int i = 0; i < SANDBOXES + WARM_UP; i++) {
            sockets.add(dir.resolve("vm" + i + ".sock"));
        }
        int pid = (int) ProcessHandle.current().pid();
        List<QmpClient> clients = new ArrayList<>();
        List<SandboxResources> sandboxes = new ArrayList<>();
        try (InstantQmpServer server = InstantQmpServer.start(sockets, Map.of("query-cpus-fast", reply(pid)))) {
            CpuSet cpus = HostCpus.online();
            // The first sandboxes load and compile the library's code; only what comes after counts.
            for (Path socket : sockets.subList(0, WARM_UP)) {
                sandboxes.add(sandbox(socket, pid, cpus, clients));
            }
            long heapBefore = usedHeapAfterGc();
            long rssBefore = rss();
            for (Path socket : sockets.subList(WARM_UP, sockets.size())) {
                sandboxes.add(sandbox(socket, pid, cpus, clients));
            }
            Thread.sleep(1_000); // idle: any thread that ends when idle has ended
            long heap = (usedHeapAfterGc() - heapBefore) / SANDBOXES;
            long resident = (rss() - rssBefore) / SANDBOXES;
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();
            System.out.printf(Locale.ROOT, "threads=%d heap=%d rss=%d%n", threads, heap, resident);
            if (sandboxes.size() != SANDBOXES + WARM_UP) {
                throw new IllegalStateException("built " + sandboxes.size() + " sandboxes");
            }
        } finally {
            clients.forEach(QmpClient::close);
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** Connects a client and builds, starts and pins a sandbox on it. */
    private static SandboxResources sandbox(Path socket, int pid, CpuSet cpus, List<QmpClient> clients) throws IOException {
        QmpClient client = QmpClient.connect(socket, Duration.ofSeconds(10));
        clients.add(client);
        SandboxResources sandbox = SandboxResources.builder()
                .qemu(client, pid)
                .pinningEnabled(true)
                .defaultVcpus(2)
                .cgroup(SandboxCgroup.none())
                .build();
        sandbox.vmStarted();
        sandbox.update(new ContainerEvent.Added("c1", new CpuResources(cpus, CpuSet.empty())));
        return sandbox;
    }

    /**
     * Runs {@link #main} in a JVM of its own, on this JVM's class path.
     *
     * @return its line, {@code threads=T heap=B rss=B}
     */
    static String measureInOwnJvm() throws IOException, InterruptedException {
        String javaBinary = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(javaBinary, Suite.NATIVE_ACCESS, "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
                "-cp", System.getProperty("java.class.path"), IdleClients.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (child.waitFor() != 0) {
            throw new IllegalStateException("the idle-clients measurement failed: " + out);
        }
        return out;
    }

    /** The reply of a two-vCPU QEMU whose vCPU threads are two threads every JVM has: its first and its reference handler. */
    private static String reply(int pid) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                if (Files.readString(task.resolve("comm")).startsWith("Reference Handl")) {
                    int handler = Integer.parseInt(task.getFileName().toString());
                    return "{\"return\": [" + cpu(0, pid) + ", " + cpu(1, handler) + "], \"id\": 0}";
                }
            }
        }
        throw new IOException("no reference handler thread in /proc/self/task");
    }

    private static String cpu(int index, int tid) {
        return "{\"thread-id\": " + tid + ", \"props\": {\"core-id\": " + index + ", \"thread-id\": 0, \"socket-id\": 0},"
                + " \"qom-path\": \"/machine/unattached/device[" + index + "]\", \"cpu-index\": " + index
                + ", \"target\": \"x86_64\"}";
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** {@return this process's resident set in bytes, from /proc/self/status} */
    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
