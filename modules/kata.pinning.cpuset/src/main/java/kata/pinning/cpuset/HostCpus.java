package kata.pinning.cpuset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host's CPUs as the kernel lists them in sysfs.
 *
 * @since 0.1
 */
public final class HostCpus {

    private static final Path CPU_DIR = Path.of("/sys/devices/system/cpu");

    private HostCpus() {
    }

    /**
     * {@return the CPUs that are online now, from {@code /sys/devices/system/cpu/online}}
     *
     * @throws UncheckedIOException if the file cannot be read
     * @throws CpuListFormatException if its content is not a cpulist
     */
    public static CpuSet online() {
        return read(CPU_DIR.resolve("online"));
    }

    /**
     * {@return the CPUs that could ever be online, from {@code /sys/devices/system/cpu/possible};
     * the kernel sizes its affinity masks from this set}
     *
     * @throws UncheckedIOException if the file cannot be read
     * @throws CpuListFormatException if its content is not a cpulist
     */
    public static CpuSet possible() {
        return read(CPU_DIR.resolve("possible"));
    }

    /**
     * Reads a file holding one cpulist, such as a sysfs CPU list or a cgroup's {@code cpuset.cpus}.
     *
     * @param file the file to read
     * @return the set it lists
     * @throws UncheckedIOException if the file cannot be read
     * @throws CpuListFormatException if its content is not a cpulist
     */
    public static CpuSet read(Path file) {
        try {
            return CpuSet.parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CPU list " + file, e);
        }
    }
}
