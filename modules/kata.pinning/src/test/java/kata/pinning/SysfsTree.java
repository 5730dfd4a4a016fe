package kata.pinning;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A sysfs tree of files for {@link HostTopology#load}: CPUs and NUMA nodes as the kernel lists them. */
final class SysfsTree {

    private SysfsTree() {
    }

    /**
     * Writes {@code devices/system/cpu/{online,possible}} and, per node i, {@code node<i>/cpulist}
     * with {@code cpulists[i]}, and {@code devices/system/node/online} listing them all.
     *
     * @return the root
     */
    static Path write(Path root, String online, String possible, String... cpulists) {
        write(root.resolve("devices/system/cpu/online"), online);
        write(root.resolve("devices/system/cpu/possible"), possible);
        write(root.resolve("devices/system/node/online"), cpulists.length == 1 ? "0" : "0-" + (cpulists.length - 1));
        for (int i = 0; i < cpulists.length; i++) {
            write(root.resolve("devices/system/node/node" + i + "/cpulist"), cpulists[i]);
        }
        return root;
    }

    static void write(Path file, String cpulist) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, cpulist + "\n"); // sysfs lists end in a newline
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
