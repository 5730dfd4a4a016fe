package kata.pinning.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import kata.pinning.testing.QemuVm;

/**
 * A paused QEMU with {@code vcpus} vCPUs in a fresh temporary directory, with a second QMP socket
 * for the raw client: QEMU serves one client per QMP socket.
 */
final class Vm implements AutoCloseable {

    static final String RAW_SOCKET = "raw-qmp.sock";

    private final Path dir;
    private final QemuVm qemu;

    private Vm(Path dir, QemuVm qemu) {
        this.dir = dir;
        this.qemu = qemu;
    }

    static Vm start(int vcpus) throws IOException {
        Path dir = Files.createTempDirectory("kata-pinning-bench");
        String raw = dir.resolve(RAW_SOCKET).toString().replace(",", ",,");
        return new Vm(dir, QemuVm.start(dir, vcpus, vcpus, "-qmp", "unix:" + raw + ",server=on,wait=off"));
    }

    /** {@return QEMU's process id} */
    int pid() {
        return Math.toIntExact(qemu.pid());
    }

    /** {@return the QMP socket for the library's client} */
    Path qmpSocket() {
        return qemu.qmpSocket();
    }

    /** {@return the QMP socket for {@link RawQmp}} */
    Path rawSocket() {
        return dir.resolve(RAW_SOCKET);
    }

    /** Stops QEMU by its pid (SIGTERM, then SIGKILL) and removes the directory. */
    @Override
    public void close() {
        qemu.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
