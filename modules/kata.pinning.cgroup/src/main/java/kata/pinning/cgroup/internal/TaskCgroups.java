package kata.pinning.cgroup.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import kata.pinning.cgroup.CgroupException;

/**
 * Finds the cpuset cgroup directory of another process's task, as the host sees it: from the
 * task's {@code cgroup} file and the host's mountinfo ({@code <proc root>/1/mountinfo}), with a
 * host mount point {@code /sys/X} read at {@code <sysfs root>/X}. In a cgroup namespace of its own
 * (a node agent's container), the kernel renders both relative to that namespace; the names the
 * renderings leave out are found once per hierarchy, by looking for the directory that holds the
 * reader itself ({@link #namespaceRoot}).
 */
public final class TaskCgroups {

    /**
     * Where a task's cpuset is.
     *
     * @param directory its cgroup directory, as this process reads it
     * @param unified whether it is on cgroup v2
     * @param rendered its path as the task's cgroup file showed it
     */
    public record Location(Path directory, boolean unified, String rendered) {
    }

    private static final Map<Path, Optional<List<String>>> NAMESPACE_ROOTS = new ConcurrentHashMap<>();
    private static final Path SYS = Path.of("/sys");

    private TaskCgroups() {
    }

    /**
     * Locates the cpuset cgroup of a task.
     *
     * @throws CgroupException naming the file when the task's cgroup or the host's mounts cannot
     *     be read, or naming the path when no mounted hierarchy holds it
     */
    public static Location locate(Path procRoot, Path sysfsRoot, int pid, int tid) {
        Path cgroupFile = procRoot.resolve(Integer.toString(pid)).resolve("task").resolve(Integer.toString(tid)).resolve("cgroup");
        String lines = read(cgroupFile);
        Optional<String> v1 = line(lines, true);
        boolean unified = v1.isEmpty();
        String rendered = v1.or(() -> line(lines, false)).orElseThrow(() -> new CgroupException(
                cgroupFile + " lists no cpuset controller and no cgroup v2 path", cgroupFile, lines.strip(), null));
        CgroupPath path = parse(rendered, cgroupFile);
        List<Mount> mounts = MountInfo.read(mountinfo(procRoot));
        for (Mount mount : mounts) {
            if (unified ? !mount.isV2() : !mount.isV1Cpuset()) {
                continue;
            }
            Path hierarchy = onHost(mount.mountPoint(), sysfsRoot);
            CgroupPath root = parse(mount.root(), mountinfo(procRoot));
            Optional<List<String>> below = path.below(root, root.ups() > path.ups()
                    ? namespaceRoot(procRoot, hierarchy, root.ups(), unified) : Optional.empty());
            if (below.isPresent()) {
                Path dir = hierarchy;
                for (String name : below.get()) {
                    dir = dir.resolve(name);
                }
                return new Location(dir, unified, rendered);
            }
        }
        throw new CgroupException("no " + (unified ? "cgroup2 mount" : "cgroup v1 cpuset hierarchy") + " in "
                + mountinfo(procRoot) + " holds the cgroup " + rendered + " of task " + tid + " of process " + pid,
                cgroupFile, rendered, null);
    }

    /** A cgroup path as a file renders it; one that is not a path becomes an error naming the file. */
    private static CgroupPath parse(String rendered, Path file) {
        try {
            return CgroupPath.parse(rendered);
        } catch (IllegalArgumentException e) {
            throw new CgroupException(file + ": " + e.getMessage(), file, rendered, e);
        }
    }

    /** The path of the cpuset hierarchy (v1) or of the unified hierarchy (v2) in a cgroup file's lines. */
    static Optional<String> line(String lines, boolean v1) {
        for (String line : lines.split("\n")) {
            String[] fields = line.split(":", 3);
            if (fields.length == 3 && (v1 ? List.of(fields[1].split(",")).contains("cpuset")
                    : fields[0].equals("0") && fields[1].isEmpty())) {
                return Optional.of(fields[2]);
            }
        }
        return Optional.empty();
    }

    /** The host's mounts: those of its init process, else those of the reader. */
    private static Path mountinfo(Path procRoot) {
        Path init = procRoot.resolve("1").resolve("mountinfo");
        return Files.isReadable(init) ? init : procRoot.resolve("self").resolve("mountinfo");
    }

    /** A host mount point under {@code /sys} as the reader sees it, under the sysfs root it was given. */
    static Path onHost(Path mountPoint, Path sysfsRoot) {
        return mountPoint.startsWith(SYS) ? sysfsRoot.resolve(SYS.relativize(mountPoint).toString()) : mountPoint;
    }

    /**
     * The names of the reader's cgroup namespace root below the hierarchy's root, {@code depth} of
     * them: the directory at that depth (below which the reader's own cgroup, as it sees it, lies)
     * that lists the reader among its processes. Searched once per hierarchy; empty when not found.
     */
    private static Optional<List<String>> namespaceRoot(Path procRoot, Path hierarchy, int depth, boolean unified) {
        return NAMESPACE_ROOTS.computeIfAbsent(hierarchy, h -> {
            try {
                String self = Files.readSymbolicLink(procRoot.resolve("self")).toString();
                CgroupPath own = CgroupPath.parse(line(read(procRoot.resolve("self").resolve("cgroup")), !unified).orElse("/"));
                try (Stream<Path> dirs = Files.walk(h, depth + own.names().size())) {
                    return dirs.filter(d -> h.relativize(d).getNameCount() == depth + own.names().size() && !d.equals(h))
                            .filter(d -> endsWith(h.relativize(d), own.names()) && lists(d.resolve("cgroup.procs"), self))
                            .findFirst()
                            .map(d -> {
                                Path rel = h.relativize(d);
                                return Stream.iterate(0, i -> i < depth, i -> i + 1).map(i -> rel.getName(i).toString()).toList();
                            });
                }
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        });
    }

    private static boolean endsWith(Path rel, List<String> names) {
        int offset = rel.getNameCount() - names.size();
        for (int i = 0; i < names.size(); i++) {
            if (!rel.getName(offset + i).toString().equals(names.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean lists(Path procs, String pid) {
        try (Stream<String> lines = Files.lines(procs)) {
            return lines.anyMatch(pid::equals);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CgroupException("no such file " + file + ": the task is gone", file, "", e);
        } catch (IOException e) {
            throw new CgroupException("cannot read " + file + ": " + e, file, "", e);
        }
    }
}
