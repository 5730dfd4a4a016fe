package kata.pinning.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * One short QMP session on a UNIX socket, outside the library under test: negotiate, send one
 * command, take its reply, hang up, so that the socket is free for the test's own client.
 */
final class QmpExchange {

    private QmpExchange() {
    }

    /**
     * Sends one command and returns QEMU's reply to it; events before the reply are skipped.
     *
     * @param socket QEMU's QMP socket
     * @param command the command as one JSON line without an id, such as {@code {"execute":"cont"}}
     * @return the reply line, {@code {"return": ...}} or {@code {"error": ...}}
     * @throws IOException if the socket cannot be used or QEMU hangs up before replying
     */
    static String execute(Path socket, String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), UTF_8));
            OutputStream out = Channels.newOutputStream(channel);
            if (in.readLine() == null) {
                throw new IOException("QEMU hung up on " + socket + " before its greeting");
            }
            out.write("{\"execute\":\"qmp_capabilities\"}\n".getBytes(UTF_8));
            reply(in, socket);
            out.write((command + "\n").getBytes(UTF_8));
            return reply(in, socket);
        }
    }

    /** The next line that is a reply, skipping events. */
    private static String reply(BufferedReader in, Path socket) throws IOException {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith("{\"return\"") || line.startsWith("{\"error\"")) {
                return line;
            }
        }
        throw new IOException("QEMU hung up on " + socket + " before replying");
    }
}
