package kata.pinning.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import kata.pinning.qmp.QmpClient;
import kata.pinning.testing.QemuVm;

/**
 * A paused QEMU with {@code vcpus} vCPUs in a fresh temporary directory, and this library's QMP
 * client connected to it. A second QMP socket is left for {@link RawQmp}: QEMU serves one client
 * per QMP socket.
 */
final class Vm implements AutoCloseable {

    static final String RAW_SOCKET = "raw-qmp.sock";

    private final Path dir;
    private final QemuVm qemu;
    private final QmpClient client;

    private Vm(Path dir, QemuVm qemu, QmpClient client) {
        this.dir = dir;
        this.qemu = qemu;
        this.client = client;
    }

    /**
     * Starts the VM.
     *
     * @param vcpus its vCPUs
     * @param extraArgs more QEMU arguments, such as {@code -name vm,debug-threads=on}
     */
    static Vm start(int vcpus, String... extraArgs) throws IOException {
        Path dir = Files.createTempDirectory("kata-pinning-bench");
        String raw = dir.resolve(RAW_SOCKET).toString().replace(",", ",,");
        List<String> args = new ArrayList<>(List.of("-qmp", "unix:" + raw + ",server=on,wait=off"));
        args.addAll(List.of(extraArgs));
        QemuVm qemu = QemuVm.start(dir, vcpus, vcpus, args.toArray(String[]::new));
        try {
            return new Vm(dir, qemu, QmpClient.connect(qemu.qmpSocket(), Duration.ofSeconds(30)));
        } catch (IOException | RuntimeException e) {
            qemu.close();
            throw e;
        }
    }

    /** {@return this library's client, connected to {@link QemuVm#qmpSocket()}} */
    QmpClient client() {
        return client;
    }

    /** {@return QEMU's process id} */
    int pid() {
        return Math.toIntExact(qemu.pid());
    }

    /** {@return the QMP socket for {@link RawQmp}} */
    Path rawSocket() {
        return dir.resolve(RAW_SOCKET);
    }

    /** Closes the client, stops QEMU by its pid (SIGTERM, then SIGKILL) and removes the directory. */
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            qemu.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
