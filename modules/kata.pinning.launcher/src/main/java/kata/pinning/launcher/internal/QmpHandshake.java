package kata.pinning.launcher.internal;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Whether a QEMU that was just started is up: it must answer {@code qmp_capabilities} and then
 * {@code query-status} on its QMP socket, and still run afterwards.
 *
 * <p>Neither the socket file nor the greeting is enough. QEMU creates the socket, and its monitor
 * thread sends the greeting, before it sets up the vCPUs, which is where KVM with a CPU model the
 * host refuses aborts. Commands are answered by QEMU's main loop, which starts only after every
 * vCPU was created and reset, so a reply means QEMU got past that point.
 *
 * <p>It speaks just enough QMP for this, without a JSON library: QEMU writes one object per line,
 * and a reply starts with {@code {"return"} or {@code {"error"}; any other line is an event. It
 * notices within {@value #POLL_MILLIS} ms when QEMU exits, so a failed start costs no timeout.
 */
public final class QmpHandshake {

    private static final long POLL_MILLIS = 20;
    private static final List<String> COMMANDS = List.of("qmp_capabilities", "query-status");

    private final Path socket;
    private final Process process;
    private final long deadline;
    private final ByteBuffer input = ByteBuffer.allocate(64 * 1024);

    private QmpHandshake(Path socket, Process process, Duration timeout) {
        this.socket = socket;
        this.process = process;
        this.deadline = System.nanoTime() + timeout.toNanos();
    }

    /**
     * Connects, negotiates, queries and disconnects, so that the socket is free for the caller.
     *
     * @param socket  QEMU's QMP socket
     * @param process the QEMU process
     * @param timeout how long a QEMU that runs may take to answer
     * @return empty when QEMU is up, else why not
     * @throws InterruptedException if interrupted while waiting
     */
    public static Optional<String> await(Path socket, Process process, Duration timeout) throws InterruptedException {
        return new QmpHandshake(socket, process, timeout).run();
    }

    private Optional<String> run() throws InterruptedException {
        try (SocketChannel channel = connect(); Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            String greeting = readLine(channel, selector, "the QMP greeting");
            if (!greeting.startsWith("{\"QMP\"")) {
                return Optional.of("no QMP greeting on " + socket + ", got: " + greeting);
            }
            for (String command : COMMANDS) {
                write(channel, "{\"execute\":\"" + command + "\"}\n");
                String reply = readReply(channel, selector, command);
                if (!reply.startsWith("{\"return\"")) {
                    return Optional.of("QEMU refused " + command + ": " + reply);
                }
            }
        } catch (NotUp e) {
            return Optional.of(e.getMessage());
        } catch (IOException e) {
            return Optional.of("QMP socket " + socket + " failed: " + e.getMessage());
        }
        return process.isAlive() ? Optional.empty() : Optional.of("QEMU exited right after answering on its QMP socket");
    }

    /** Connects once QEMU listens: the socket may not exist yet, or exist before QEMU listens on it. */
    private SocketChannel connect() throws InterruptedException, NotUp {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
        while (true) {
            checkAlive("before its QMP socket accepted a connection");
            try {
                return SocketChannel.open(address);
            } catch (IOException notYet) {
                checkDeadline("accepted no connection on " + socket);
                Thread.sleep(POLL_MILLIS);
            }
        }
    }

    private String readReply(SocketChannel channel, Selector selector, String command) throws IOException, InterruptedException, NotUp {
        while (true) {
            String line = readLine(channel, selector, "a reply to " + command);
            if (line.startsWith("{\"return\"") || line.startsWith("{\"error\"")) {
                return line;
            }
        }
    }

    private String readLine(SocketChannel channel, Selector selector, String what) throws IOException, InterruptedException, NotUp {
        while (true) {
            for (int i = 0; i < input.position(); i++) {
                if (input.get(i) == '\n') {
                    String line = new String(input.array(), 0, i, StandardCharsets.UTF_8).strip();
                    input.flip().position(i + 1);
                    input.compact();
                    return line;
                }
            }
            if (!input.hasRemaining()) {
                throw new NotUp("a QMP line on " + socket + " is longer than " + input.capacity() + " bytes");
            }
            selector.select(POLL_MILLIS);
            selector.selectedKeys().clear();
            if (channel.read(input) < 0) {
                throw new NotUp("QEMU closed its QMP connection before " + what);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for " + what);
            }
            checkAlive("before " + what);
            checkDeadline("did not send " + what + " on " + socket);
        }
    }

    private void write(SocketChannel channel, String text) throws IOException, InterruptedException, NotUp {
        ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) { // a few bytes to a fresh socket: the buffer is never full for long
                checkAlive("while a command was sent");
                checkDeadline("read no command on " + socket);
                Thread.sleep(1);
            }
        }
    }

    private void checkAlive(String when) throws NotUp {
        if (!process.isAlive()) {
            throw new NotUp("QEMU exited " + when);
        }
    }

    private void checkDeadline(String what) throws NotUp {
        if (System.nanoTime() - deadline > 0) {
            throw new NotUp("QEMU pid " + process.pid() + " runs but " + what + " within the timeout");
        }
    }

    /** Why QEMU is not up, ending the handshake. */
    private static final class NotUp extends Exception {
        private static final long serialVersionUID = 1L;

        NotUp(String message) {
            super(message, null, false, false);
        }
    }
}
