package kata.pinning.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads {@code /proc/locks}, the kernel's table of file locks: which process holds a lock on which
 * file. It names the holder of a state file's lock for the timeout message.
 */
final class ProcLocks {

    private ProcLocks() {
    }

    /**
     * {@return the process that holds a lock on {@code file}; empty when the kernel does not say}
     *
     * @param file the locked file
     */
    static OptionalLong holderOf(Path file) {
        try {
            return holder(Files.readAllLines(Path.of("/proc/locks")), inodeKey(file));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return OptionalLong.empty(); // no procfs, or no unix attributes: the message names no pid
        }
    }

    /**
     * {@return how {@code /proc/locks} names the file: {@code MAJOR:MINOR:INODE}, the device numbers
     * in hexadecimal}
     *
     * @param file an existing file
     * @throws IOException if its attributes cannot be read
     */
    static String inodeKey(Path file) throws IOException {
        long dev = (Long) Files.getAttribute(file, "unix:dev");
        long ino = (Long) Files.getAttribute(file, "unix:ino");
        // The kernel's encoding of st_dev: 12 bits of major above 20 bits of minor, interleaved.
        long major = (dev >>> 8) & 0xfff;
        long minor = (dev & 0xff) | ((dev >>> 12) & 0xfff00);
        return String.format("%02x:%02x:%d", major, minor, ino);
    }

    /**
     * Finds the holder of a lock in the lines of {@code /proc/locks}, such as
     * {@code 1: POSIX  ADVISORY  WRITE 12334 fe:00:2147158 0 EOF}.
     *
     * @param lines the lines
     * @param inodeKey the file, as {@link #inodeKey} names it
     * @return the pid of the first lock on that file, unless the kernel could not name it
     */
    static OptionalLong holder(Iterable<String> lines, String inodeKey) {
        for (String line : lines) {
            String[] fields = line.trim().split("\\s+");
            // A waiter's line has "->" after the number; it holds nothing.
            if (fields.length >= 6 && !fields[1].equals("->") && fields[5].equals(inodeKey)) {
                Optional<Long> pid = parsePid(fields[4]);
                if (pid.isPresent()) {
                    return OptionalLong.of(pid.get());
                }
            }
        }
        return OptionalLong.empty();
    }

    private static Optional<Long> parsePid(String field) {
        try {
            long pid = Long.parseLong(field);
            return pid > 0 ? Optional.of(pid) : Optional.empty(); // OFD locks show -1
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
