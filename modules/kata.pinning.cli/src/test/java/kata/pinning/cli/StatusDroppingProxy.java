package kata.pinning.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fault for the one moment that matters: a QMP proxy in front of a real VMM socket that passes
 * everything through until the client asks {@code query-cpus-fast} after the state file changed,
 * that is for the status a lifecycle command prints once it has persisted. Then it drops both
 * connections, as a VMM that dies at that moment would.
 *
 * <p>The QEMU VMM asks QMP again only when the VMM's threads changed since its last answer, and the
 * embedded VMM's threads are this JVM's. So before it forwards each {@code query-cpus-fast} of the
 * operation, the proxy starts a thread here, as a VMM that starts a thread would: the status query
 * then finds the threads changed since the last answer and asks, and meets the fault.
 */
final class StatusDroppingProxy implements AutoCloseable {

    private final ServerSocketChannel server;
    private final Path socket;
    private final AtomicBoolean dropped = new AtomicBoolean();
    private final CountDownLatch release = new CountDownLatch(1);

    private StatusDroppingProxy(ServerSocketChannel server, Path socket) {
        this.server = server;
        this.socket = socket;
    }

    /**
     * Listens on {@code socket} and serves one client, forwarded to {@code vmm}.
     *
     * @param socket where the proxy listens
     * @param vmm the VMM's QMP socket
     * @param state the state file whose change arms the fault
     * @return the proxy
     */
    static StatusDroppingProxy start(Path socket, Path vmm, Path state) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        StatusDroppingProxy proxy = new StatusDroppingProxy(server, socket);
        byte[] before = Files.readAllBytes(state);
        Thread.ofPlatform().daemon().name("status-dropping-proxy").start(() -> proxy.serve(vmm, state, before));
        return proxy;
    }

    /** {@return whether the proxy dropped a status query} */
    boolean dropped() {
        return dropped.get();
    }

    private void serve(Path vmm, Path state, byte[] before) {
        try (SocketChannel client = server.accept();
                SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(vmm))) {
            Thread replies = Thread.ofPlatform().daemon().start(() -> copy(Channels.newInputStream(upstream),
                    Channels.newOutputStream(client)));
            InputStream requests = Channels.newInputStream(client);
            OutputStream toVmm = Channels.newOutputStream(upstream);
            byte[] buffer = new byte[8192];
            String tail = ""; // the end of the last chunk, in case a command name is split
            for (int n = requests.read(buffer); n >= 0; n = requests.read(buffer)) {
                String text = tail + new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                if (text.contains("query-cpus-fast")) {
                    if (!Arrays.equals(before, Files.readAllBytes(state))) {
                        dropped.set(true);
                        return; // closes both connections: the command sees the VMM go away
                    }
                    startThread();
                }
                toVmm.write(buffer, 0, n);
                toVmm.flush();
                tail = text.substring(Math.max(0, text.length() - 32));
            }
            replies.join();
        } catch (IOException | InterruptedException e) {
            // the client or the VMM went away: nothing more to forward
        }
    }

    /** Starts a thread that lives until {@link #close()}, and returns once it runs. */
    private void startThread() throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        Thread.ofPlatform().daemon().name("vmm-new-thread").start(() -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        running.await();
    }

    private static void copy(InputStream in, OutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // one side closed
        }
    }

    @Override
    public void close() throws IOException {
        release.countDown();
        server.close();
        Files.deleteIfExists(socket);
    }
}
