package kata.pinning.cgroup.internal;

import java.nio.file.Path;
import java.util.List;

/**
 * One line of {@code /proc/self/mountinfo}, reduced to the fields cgroup detection needs.
 *
 * @param root the directory of the filesystem that is mounted, {@code /} for its whole tree
 * @param mountPoint where it is mounted, with the kernel's octal escapes decoded
 * @param fsType the filesystem type, such as {@code cgroup} or {@code cgroup2}
 * @param superOptions the per-superblock options; for a cgroup v1 hierarchy they list its
 *     controllers, such as {@code [rw, cpu, cpuacct]}
 */
record Mount(String root, Path mountPoint, String fsType, List<String> superOptions) {

    Mount {
        superOptions = List.copyOf(superOptions);
    }

    /** {@return whether this is a cgroup v1 hierarchy with the cpuset controller attached} */
    boolean isV1Cpuset() {
        return fsType.equals("cgroup") && superOptions.contains("cpuset");
    }

    /** {@return whether this is a cgroup v2 (unified) mount} */
    boolean isV2() {
        return fsType.equals("cgroup2");
    }
}
