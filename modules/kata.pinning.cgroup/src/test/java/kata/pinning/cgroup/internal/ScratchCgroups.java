package kata.pinning.cgroup.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A uniquely named scratch directory {@code kata-pinning-test-<random>} in a real cgroup hierarchy
 * of this host, and the processes a test started. {@link #close()} moves those processes back to
 * the root cgroup, kills them by their own pid and removes the scratch tree, whatever the test did.
 *
 * <p>When the hierarchy is missing or not writable (not root), the test is skipped with the reason,
 * unless {@code CI=true}: there it must run, so it fails instead.
 */
final class ScratchCgroups implements AutoCloseable {

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private final Path mount;
    private final String top = "kata-pinning-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final Predicate<String> membershipLine;
    private final List<Process> processes = new ArrayList<>();

    private ScratchCgroups(Path mount, Predicate<String> membershipLine) {
        this.mount = mount;
        this.membershipLine = membershipLine;
    }

    /** In the cgroup v1 hierarchy that has the cpuset controller. */
    static ScratchCgroups inV1Cpuset() {
        // /proc/<pid>/cgroup v1 lines read "3:cpuset:/path", or "3:cpu,cpuset:/path" when co-mounted.
        return new ScratchCgroups(writableMount(Mount::isV1Cpuset, "cgroup v1 cpuset hierarchy"),
                line -> List.of(line.split(":", 3)[1].split(",")).contains("cpuset"));
    }

    /** In the cgroup2 (unified) hierarchy. */
    static ScratchCgroups inCgroup2() {
        return new ScratchCgroups(writableMount(Mount::isV2, "cgroup2 mount"), line -> line.startsWith("0::"));
    }

    private static Path writableMount(Predicate<Mount> kind, String what) {
        Optional<Path> found = MountInfo.read(MOUNTINFO).stream()
                .filter(kind).filter(m -> m.root().equals("/")).map(Mount::mountPoint).findFirst();
        if (found.isEmpty()) {
            skipOrFail("no " + what + " is mounted on this host");
        }
        Path mount = found.orElseThrow();
        if (!Files.isWritable(mount.resolve(CgroupFs.PROCS))) {
            skipOrFail("the " + what + " at " + mount + " is not writable: these tests must run as root");
        }
        return mount;
    }

    private static void skipOrFail(String reason) {
        if ("true".equals(System.getenv("CI"))) {
            fail(reason + " (CI=true: this test must run)");
        }
        Assumptions.abort(reason);
    }

    /** {@return the hierarchy's mount point} */
    Path mount() {
        return mount;
    }

    /** {@return the cgroup path {@code /<top>/<names...>}, as SandboxCgroup takes it} */
    String path(String... names) {
        return "/" + top + (names.length == 0 ? "" : "/" + String.join("/", names));
    }

    /** {@return the directory of {@link #path(String...)}} */
    Path dir(String... names) {
        return mount.resolve(path(names).substring(1));
    }

    /** Starts {@code sleep 30}, to be killed by {@link #close()}. */
    Process startSleep() throws IOException {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        processes.add(sleep);
        return sleep;
    }

    /** {@return the cgroup path of {@code pid} in this hierarchy, from /proc/<pid>/cgroup} */
    String cgroupOf(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup")).stream()
                .filter(membershipLine).map(line -> line.split(":", 3)[2])
                .findFirst().orElseThrow(() -> new AssertionError("pid " + pid + " is in no cgroup of " + mount));
    }

    /** {@return the CPUs the kernel lets {@code pid} run on, from /proc/<pid>/status} */
    static String cpusAllowed(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(line -> line.startsWith("Cpus_allowed_list:"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip())
                .findFirst().orElseThrow();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Process process : processes) {
            try {
                Files.writeString(mount.resolve(CgroupFs.PROCS), Long.toString(process.pid()));
            } catch (IOException alreadyGone) {
                // It exited; the kill below is then a no-op too.
            }
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        Path scratch = dir();
        if (Files.exists(scratch)) {
            // Deepest first, directories only: each rmdir takes the kernel's files with it.
            try (Stream<Path> tree = Files.walk(scratch)) {
                for (Path cgroup : tree.filter(Files::isDirectory)
                        .sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList()) {
                    Files.delete(cgroup);
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }
}
