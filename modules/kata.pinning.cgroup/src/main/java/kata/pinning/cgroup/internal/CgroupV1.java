package kata.pinning.cgroup.internal;

import java.nio.file.Path;
import kata.pinning.cpuset.CpuSet;

/**
 * A cgroup in the cgroup v1 cpuset hierarchy, such as {@code /sys/fs/cgroup/cpuset/<path>}.
 *
 * <p>A new v1 cpuset cgroup starts with empty {@code cpuset.cpus} and {@code cpuset.mems}, and the
 * kernel refuses to attach a task until both are set (unless the parent has
 * {@code cgroup.clone_children}). So each directory this class creates first gets a copy of its
 * parent's values, before anything else is written or joins. For the same reason an empty set is
 * written as the parent's value: it widens the cgroup back to all its parent allows, where an
 * empty file would be refused while tasks run inside ({@code ENOSPC}).
 */
final class CgroupV1 extends CgroupFs {

    CgroupV1(Path mountPoint, Path relative) {
        super(mountPoint, relative);
    }

    @Override
    void beforeChild(Path parent) {
        // Nothing: v1 controllers are attached to the whole hierarchy.
    }

    @Override
    void initialize(Path parent, Path child) {
        copyFromParent(parent, child, CPUS);
        copyFromParent(parent, child, MEMS);
    }

    @Override
    String unconstrained(String file) {
        return read(dir().getParent().resolve(file));
    }

    private static void copyFromParent(Path parent, Path child, String file) {
        CpuSet inherited = readCpuSet(parent.resolve(file));
        if (!inherited.isEmpty()) { // a new cgroup already holds the empty set
            write(child.resolve(file), inherited.toString());
        }
    }
}
