package kata.pinning.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A real child process whose threads carry the names a VMM gives its vCPU threads, such as
 * {@code vcpu0} or {@code fc_vcpu 1}: a stand-in for Cloud Hypervisor, Firecracker, Dragonball or
 * OpenVMM that needs none of them installed. It is a JVM, which gives each native thread its Java
 * name (cut to 15 characters by the kernel, as for any thread).
 *
 * <p>The JVM is started through a symbolic link with the executable name asked for, so that
 * {@code /proc/<pid>/cmdline} starts with it, as a VMM's would. {@link #close()} ends it by its
 * own pid; a shutdown hook does the same for one a test forgot.
 * <pre>{@code
 * try (NamedThreads clh = NamedThreads.start(dir, "cloud-hypervisor",
 *         List.of("vcpu0", "vcpu1", "vcpu_x"), List.of("vcpu2"))) {
 *     int tid = clh.tid("vcpu0");
 * }
 * }</pre>
 *
 * @since 0.2
 */
public final class NamedThreads implements AutoCloseable {

    private static final long EXIT_WAIT_SECONDS = 10;

    private final Process process;
    private final Path link;
    private final Writer stdin;
    private final Map<String, List<Integer>> tidsByName;
    private final Thread shutdownHook;

    private NamedThreads(Process process, Path link, Writer stdin, Map<String, List<Integer>> tidsByName) {
        this.process = process;
        this.link = link;
        this.stdin = stdin;
        this.tidsByName = tidsByName;
        this.shutdownHook = new Thread(process::destroyForcibly, "named-threads-reaper-" + process.pid());
    }

    /**
     * Starts the process and returns once every waiting thread runs.
     *
     * @param workDir an existing directory for the link named {@code executable}
     * @param executable the process's executable name, such as {@code firecracker}
     * @param names the names of threads that live as long as the process; a name may repeat
     * @param churning names of threads that keep starting and exiting, each living up to a millisecond
     * @param args more words for the command line, after the JVM's own
     * @return the running process; close it to end it
     * @throws IOException if the process cannot be started or does not report its threads
     */
    public static NamedThreads start(Path workDir, String executable, List<String> names, List<String> churning,
            String... args) throws IOException {
        Path link = workDir.toAbsolutePath().resolve(Objects.requireNonNull(executable, "executable"));
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of(ProcessHandle.current().info().command().orElseThrow()));
        List<String> command = new ArrayList<>(List.of(link.toString(), "-Xshare:auto", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", classPath(), NamedThreadsMain.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Writer stdin = process.outputWriter(StandardCharsets.UTF_8);
        try {
            for (String name : names) {
                stdin.write("thread " + name + "\n");
            }
            for (String name : churning) {
                stdin.write("churn " + name + "\n");
            }
            stdin.write("start\n");
            stdin.flush();
            NamedThreads threads = new NamedThreads(process, link, stdin, readTids(process));
            Runtime.getRuntime().addShutdownHook(threads.shutdownHook);
            return threads;
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static Map<String, List<Integer>> readTids(Process process) throws IOException {
        Map<String, List<Integer>> tids = new LinkedHashMap<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); !"ready".equals(line); line = out.readLine()) {
            if (line == null) {
                throw new IOException("the named-threads process " + process.pid() + " exited before it was ready");
            }
            int space = line.indexOf(' ');
            tids.computeIfAbsent(line.substring(space + 1), name -> new ArrayList<>())
                    .add(Integer.parseInt(line.substring(0, space)));
        }
        return tids;
    }

    private static String classPath() {
        try {
            return Path.of(NamedThreadsMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the test kit's classes", e);
        }
    }

    /** {@return the process id} */
    public int pid() {
        return (int) process.pid();
    }

    /**
     * {@return the thread id of the one waiting thread with this name}
     *
     * @param name a name given to {@link #start}
     * @throws IllegalArgumentException if no waiting thread, or more than one, has this name
     */
    public int tid(String name) {
        List<Integer> tids = tidsByName.getOrDefault(name, List.of());
        if (tids.size() != 1) {
            throw new IllegalArgumentException(tids.size() + " waiting threads are named '" + name + "'");
        }
        return tids.getFirst();
    }

    /** {@return the thread ids of the waiting threads, by name, in the order they were given} */
    public Map<String, List<Integer>> tids() {
        return Map.copyOf(tidsByName);
    }

    /**
     * Ends the process: closes its stdin, then kills it if it has not exited after 10 seconds, and
     * removes the link it was started through.
     */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException alreadyGone) {
            // the process has exited already
        }
        try {
            if (!process.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        try {
            Files.deleteIfExists(link);
        } catch (IOException e) {
            // the work directory goes away with the test
        }
    }
}
