package kata.pinning.cgroup.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import kata.pinning.cgroup.CgroupException;
import kata.pinning.cgroup.SandboxCgroup;
import kata.pinning.cpuset.CpuListFormatException;
import kata.pinning.cpuset.CpuSet;

/**
 * A sandbox cgroup on the cgroup filesystem: what cgroup v1 and v2 share (the {@code cpuset.*} and
 * {@code cgroup.procs} files, rmdir to delete) plus the choice between them. The subclasses differ
 * only in how the path down to the cgroup is prepared.
 */
public abstract sealed class CgroupFs implements SandboxCgroup permits CgroupV1, CgroupV2 {

    static final String CPUS = "cpuset.cpus";
    static final String MEMS = "cpuset.mems";
    static final String PROCS = "cgroup.procs";

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private static final System.Logger LOG = System.getLogger(CgroupFs.class.getName());

    /** The root of the hierarchy: where the cgroup filesystem is mounted. */
    private final Path mountPoint;
    /** The cgroup's path below {@link #mountPoint}; never empty. */
    private final Path relative;
    private final Path dir;

    CgroupFs(Path mountPoint, Path relative) {
        this.mountPoint = mountPoint;
        this.relative = relative;
        this.dir = mountPoint.resolve(relative);
    }

    /**
     * Opens the cgroup at {@code path} in the hierarchy {@code /proc/self/mountinfo} lists.
     *
     * @see SandboxCgroup#cgroupfs(String)
     */
    public static SandboxCgroup open(String path) {
        return open(MOUNTINFO, path);
    }

    /** As {@link #open(String)}, reading the mounts from {@code mountinfo}. */
    static CgroupFs open(Path mountinfo, String path) {
        Path relative = relativePath(path); // bad input fails before any I/O
        return detect(MountInfo.read(mountinfo), mountinfo, relative);
    }

    /**
     * Chooses the hierarchy: a cgroup v1 hierarchy with the cpuset controller, else a cgroup2
     * mount. A controller is attached to one hierarchy at a time, so on a hybrid host that mounts
     * both, cpuset lives in the v1 one and the cgroup2 mount cannot offer it.
     */
    static CgroupFs detect(List<Mount> mounts, Path source, Path relative) {
        Optional<CgroupFs> v1 = preferWhole(mounts, Mount::isV1Cpuset)
                .map(m -> new CgroupV1(m.mountPoint(), relative));
        return v1.or(() -> preferWhole(mounts, Mount::isV2).map(m -> new CgroupV2(m.mountPoint(), relative)))
                .orElseThrow(() -> new CgroupException(
                        "no cgroup v1 cpuset hierarchy and no cgroup2 mount in " + source, source, "", null));
    }

    /**
     * The first mount of that kind that shows the whole hierarchy ({@code root} is {@code /}), else
     * the first one, a bind mount of a subtree, below which paths are then taken.
     */
    private static Optional<Mount> preferWhole(List<Mount> mounts, Predicate<Mount> kind) {
        return mounts.stream().filter(kind).min(Comparator.comparing(m -> !m.root().equals("/")));
    }

    /**
     * Turns a cgroup path such as {@code /kata_overhead/sandbox-1} into a relative path.
     *
     * @throws IllegalArgumentException if it names the root or has a {@code .} or {@code ..} component
     */
    static Path relativePath(String path) {
        Objects.requireNonNull(path, "path");
        List<String> names = new ArrayList<>();
        for (String name : path.split("/")) {
            if (name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("invalid cgroup path \"" + path + "\": component \""
                        + name.replace("\0", "\\0") + "\" is not allowed");
            }
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid cgroup path \"" + path + "\": it must name a cgroup below the hierarchy root");
        }
        return Path.of(names.getFirst(), names.subList(1, names.size()).toArray(String[]::new));
    }

    /** {@return the cgroup's directory} */
    final Path dir() {
        return dir;
    }

    /**
     * Walks the cgroup's path from the hierarchy root down, creating the directories that are
     * missing so that the cgroup is ready for cpuset writes and tasks; appends each directory it
     * creates to {@code created}.
     */
    private void prepare(List<Path> created) {
        Path parent = mountPoint;
        for (Path name : relative) {
            Path child = parent.resolve(name);
            beforeChild(parent);
            if (!Files.isDirectory(child) && mkdir(child, created)) {
                initialize(parent, child);
            }
            parent = child;
        }
    }

    /** Readies {@code parent}, an ancestor of the cgroup or the root, for a child below it. */
    abstract void beforeChild(Path parent);

    /** Sets up {@code child}, just created below {@code parent}, before anything else uses it. */
    abstract void initialize(Path parent, Path child);

    @Override
    public final void applyCpuset(CpuSet cpus, CpuSet mems) {
        Objects.requireNonNull(cpus, "cpus");
        Objects.requireNonNull(mems, "mems");
        prepareThen(true, existed -> {
            // Read only when a restore could be needed: cpuset.cpus of a cgroup this call did not create.
            String before = existed ? read(dir.resolve(CPUS)) : null;
            write(dir.resolve(CPUS), valueOf(CPUS, cpus));
            try {
                write(dir.resolve(MEMS), valueOf(MEMS, mems));
            } catch (CgroupException e) {
                if (before != null) {
                    restore(CPUS, before, e);
                }
                throw e;
            }
        });
    }

    /** {@return the text to write to {@code file} for {@code value}: its cpulist, or the unconstrained value} */
    private String valueOf(String file, CpuSet value) {
        return value.isEmpty() ? unconstrained(file) : value.toString();
    }

    /**
     * {@return the value of {@code file} (a {@code cpuset.*} file of this cgroup) that adds no
     * constraint to the parent's: what an empty set is written as}
     */
    abstract String unconstrained(String file);

    @Override
    public final void addProcess(int pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive: " + pid);
        }
        prepareThen(false, existed -> write(dir.resolve(PROCS), Integer.toString(pid)));
    }

    @Override
    public final void delete() {
        try {
            // rmdir: the kernel removes a cgroup's files with its directory; they cannot be unlinked.
            if (Files.deleteIfExists(dir)) {
                LOG.log(DEBUG, "removed cgroup {0}", dir);
            }
        } catch (IOException e) {
            throw new CgroupException("cannot remove cgroup " + dir + ": " + reason(e), dir, "", e);
        }
    }

    @Override
    public final CpuSet cpus() {
        return Files.isDirectory(dir) ? readCpuSet(dir.resolve(CPUS)) : CpuSet.empty();
    }

    @Override
    public final CpuSet mems() {
        return Files.isDirectory(dir) ? readCpuSet(dir.resolve(MEMS)) : CpuSet.empty();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + dir + "]";
    }

    private interface Writes {
        void run(boolean existed);
    }

    /**
     * Prepares the cgroup (always, or only when its directory is missing), then runs the writes;
     * when anything fails, removes the directories this call created, deepest first.
     */
    private void prepareThen(boolean always, Writes writes) {
        List<Path> created = new ArrayList<>();
        try {
            if (always || !Files.isDirectory(dir)) {
                prepare(created);
            }
            writes.run(created.isEmpty());
        } catch (CgroupException e) {
            for (Path made : created.reversed()) {
                try {
                    Files.deleteIfExists(made);
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    private void restore(String file, String value, CgroupException failure) {
        try {
            write(dir.resolve(file), value);
        } catch (CgroupException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Creates one cgroup directory.
     *
     * @return whether this call created it; {@code false} if it appeared meanwhile
     */
    private static boolean mkdir(Path cgroup, List<Path> created) {
        try {
            Files.createDirectory(cgroup);
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new CgroupException("cannot create cgroup " + cgroup + ": " + reason(e), cgroup, "", e);
        }
        created.add(cgroup);
        LOG.log(DEBUG, "created cgroup {0}", cgroup);
        return true;
    }

    /**
     * Writes a whole value to a cgroup file that must exist; the kernel checks it on write. The
     * empty value is written as a lone newline: a write of no bytes never reaches the kernel, which
     * strips the newline and so sees the empty value.
     */
    static void write(Path file, String value) {
        try {
            Files.writeString(file, value.isEmpty() ? "\n" : value, WRITE, TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new CgroupException(
                    "cannot write \"" + value + "\" to " + file + ": " + reason(e), file, value, e);
        }
        LOG.log(DEBUG, "wrote \"{0}\" to {1}", value, file);
    }

    static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new CgroupException("cannot read " + file + ": " + reason(e), file, "", e);
        }
    }

    static CpuSet readCpuSet(Path file) {
        String text = read(file);
        try {
            return CpuSet.parse(text);
        } catch (CpuListFormatException e) {
            throw new CgroupException(file + " holds no cpulist: " + e.getMessage(), file, text, e);
        }
    }

    /** The errno text of a failed file operation, without the path Java repeats in the message. */
    private static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException _ -> "no such file or directory";
            case AccessDeniedException _ -> "permission denied";
            case FileSystemException fs when fs.getReason() != null -> fs.getReason();
            default -> String.valueOf(e.getMessage());
        };
    }
}
