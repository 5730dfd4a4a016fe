package kata.pinning.cgroup.internal;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import kata.pinning.cgroup.CgroupException;

/**
 * A cgroup in the cgroup v2 (unified) hierarchy, such as {@code /sys/fs/cgroup/<path>}.
 *
 * <p>On v2 a cgroup has {@code cpuset.*} files only when its parent lists {@code cpuset} in
 * {@code cgroup.subtree_control}, so every ancestor from the root down enables it, on each
 * {@code applyCpuset}, which also repairs a cgroup someone else created without it. An empty
 * {@code cpuset.cpus} means "inherit the parent's", so a new cgroup needs no copying, and an empty
 * set is written as the empty value.
 */
final class CgroupV2 extends CgroupFs {

    static final String SUBTREE_CONTROL = "cgroup.subtree_control";
    static final String CONTROLLERS = "cgroup.controllers";
    private static final String CPUSET = "cpuset";

    CgroupV2(Path mountPoint, Path relative) {
        super(mountPoint, relative);
    }

    @Override
    void beforeChild(Path parent) {
        enableCpuset(parent);
    }

    @Override
    void initialize(Path parent, Path child) {
        // Nothing: an empty cpuset.cpus or cpuset.mems inherits the parent's.
    }

    @Override
    String unconstrained(String file) {
        return ""; // the effective value is then the parent's effective one
    }

    /** Enables the cpuset controller for the children of {@code cgroup}, unless it already is. */
    private static void enableCpuset(Path cgroup) {
        Path control = cgroup.resolve(SUBTREE_CONTROL);
        if (words(read(control)).contains(CPUSET)) {
            return;
        }
        // The kernel's own answer would be a bare ENOENT; say why instead.
        Path controllers = cgroup.resolve(CONTROLLERS);
        String available = read(controllers);
        if (!words(available).contains(CPUSET)) {
            throw new CgroupException("cannot write \"+cpuset\" to " + control
                    + ": the cpuset controller is not available there (" + controllers + " lists \""
                    + available + "\"); it may be bound to a cgroup v1 hierarchy",
                    control, "+" + CPUSET, null);
        }
        write(control, "+" + CPUSET);
    }

    private static List<String> words(String text) {
        return Arrays.asList(text.split("\\s+"));
    }
}
