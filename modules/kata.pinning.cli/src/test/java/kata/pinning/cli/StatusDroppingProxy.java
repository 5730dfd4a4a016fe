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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fault for the one moment that matters: a QMP proxy in front of a real VMM socket that passes
 * everything through until the client asks {@code query-cpus-fast} after the state file changed,
 * that is for the status a lifecycle command prints once it has persisted. Then it drops both
 * connections, as a VMM that dies at that moment would.
 */
final class StatusDroppingProxy implements AutoCloseable {

    private final ServerSocketChannel server;
    private final Path socket;
    private final AtomicBoolean dropped = new AtomicBoolean();

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
                if (text.contains("query-cpus-fast") && !Arrays.equals(before, Files.readAllBytes(state))) {
                    dropped.set(true);
                    return; // closes both connections: the command sees the VMM go away
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

    private static void copy(InputStream in, OutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // one side closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
