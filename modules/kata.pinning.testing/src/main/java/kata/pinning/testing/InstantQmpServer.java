package kata.pinning.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A QMP peer that answers at once, on any number of real UNIX sockets, from one platform thread:
 * the floor against which a client's own cost shows, and the many sockets of a many-VM test.
 *
 * <p>Each socket takes one client at a time, greets it as QEMU 7.2 does, and answers every command
 * with no delay. A command listed in {@code replies} gets that reply, given as QEMU's own line for
 * id 0 (such as {@code {"return": [...], "id": 0}}) with the command's id put in, or without the
 * id member when the command carried none, as QEMU does. Any other command gets its own
 * {@code arguments} back as {@code return} ({@code {}} without arguments). It reads commands as
 * JSON objects with or without line ends between them, and takes the id from a trailing
 * {@code "id":N}, which is where this project's client puts it.
 */
public final class InstantQmpServer implements AutoCloseable {

    /** The greeting of QEMU 7.2, byte for byte. */
    public static final String GREETING =
            "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, \"package\": \"Debian 1:7.2+dfsg-7+deb12u7\"}, \"capabilities\": [\"oob\"]}}\r\n";

    private static final Pattern EXECUTE = Pattern.compile("\"execute\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TRAILING_ID = Pattern.compile(",\\s*\"id\"\\s*:\\s*(\\d+)\\s*}$");
    private static final Pattern ARGUMENTS = Pattern.compile("\"arguments\"\\s*:\\s*(\\{.*})\\s*(,\\s*\"id\"\\s*:\\s*\\d+\\s*)?}$");
    private static final String ID_ZERO = ", \"id\": 0}";

    private final Selector selector;
    private final List<ServerSocketChannel> servers = new ArrayList<>();
    private final List<Path> bound = new ArrayList<>();
    private final Map<String, String> replies;
    private final Thread thread;
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024); // one thread reads, so one buffer: idle connections cost little
    private volatile boolean stopping;

    private InstantQmpServer(List<Path> sockets, Map<String, String> replies) throws IOException {
        this.replies = Map.copyOf(replies);
        for (String reply : this.replies.values()) {
            if (!reply.endsWith(ID_ZERO)) {
                throw new IllegalArgumentException("a reply must end with " + ID_ZERO + ": " + reply);
            }
        }
        this.selector = Selector.open();
        try {
            for (Path socket : sockets) {
                ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                servers.add(server);
                server.bind(UnixDomainSocketAddress.of(socket));
                bound.add(socket);
                server.configureBlocking(false);
                server.register(selector, SelectionKey.OP_ACCEPT);
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        this.thread = Thread.ofPlatform().daemon().name("instant-qmp").start(this::serve);
    }

    /**
     * Listens on the sockets and starts answering.
     *
     * @param sockets paths for the sockets; none may exist yet
     * @param replies canned replies by command name, each QEMU's line for id 0 without its line end
     * @return the running server; close it to stop
     * @throws IOException if a socket cannot be bound
     */
    public static InstantQmpServer start(List<Path> sockets, Map<String, String> replies) throws IOException {
        return new InstantQmpServer(sockets, replies);
    }

    /** One connection: what it has sent that is not yet a whole command. */
    private static final class Connection {
        final ByteArrayOutputStream pending = new ByteArrayOutputStream(64);
        int depth;
        boolean inString;
        boolean escaped;
    }

    private void serve() {
        try {
            while (!stopping) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept((ServerSocketChannel) key.channel());
                    } else if (key.isReadable()) {
                        read(key);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            if (!stopping) {
                throw new IllegalStateException("instant QMP server failed", e);
            }
        }
    }

    private void accept(ServerSocketChannel server) throws IOException {
        SocketChannel client = server.accept();
        if (client == null) {
            return;
        }
        client.configureBlocking(false);
        client.register(selector, SelectionKey.OP_READ, new Connection());
        send(client, GREETING.getBytes(UTF_8));
    }

    private void read(SelectionKey key) {
        SocketChannel client = (SocketChannel) key.channel();
        Connection connection = (Connection) key.attachment();
        try {
            in.clear();
            int n = client.read(in);
            if (n < 0) {
                key.cancel();
                client.close();
                return;
            }
            byte[] bytes = in.array();
            for (int i = 0; i < n; i++) {
                if (frame(connection, bytes[i])) {
                    String command = connection.pending.toString(UTF_8).strip();
                    connection.pending.reset();
                    send(client, answer(command));
                }
            }
        } catch (IOException e) {
            key.cancel();
            try {
                client.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    /** Adds a byte to the command being read; {@code true} when it closes the command's object. */
    private static boolean frame(Connection c, byte b) {
        if (c.depth == 0 && b != '{') {
            return false; // line ends and spaces between commands
        }
        c.pending.write(b);
        if (c.inString) {
            if (c.escaped) {
                c.escaped = false;
            } else if (b == '\\') {
                c.escaped = true;
            } else if (b == '"') {
                c.inString = false;
            }
            return false;
        }
        if (b == '"') {
            c.inString = true;
        } else if (b == '{') {
            c.depth++;
        } else if (b == '}') {
            return --c.depth == 0;
        }
        return false;
    }

    private byte[] answer(String command) {
        Matcher execute = EXECUTE.matcher(command);
        String name = execute.find() ? execute.group(1) : "";
        Matcher id = TRAILING_ID.matcher(command);
        String idMember = id.find() ? ", \"id\": " + id.group(1) + "}" : "}";
        String canned = replies.get(name);
        if (canned != null) {
            return (canned.substring(0, canned.length() - ID_ZERO.length()) + idMember + "\r\n").getBytes(UTF_8);
        }
        Matcher arguments = ARGUMENTS.matcher(command);
        String value = arguments.find() ? arguments.group(1) : "{}";
        return ("{\"return\": " + value + idMember + "\r\n").getBytes(UTF_8);
    }

    /** Writes a whole reply; the client reads at once, so a short busy wait covers a full buffer. */
    private static void send(SocketChannel client, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            if (client.write(buffer) == 0) {
                Thread.onSpinWait();
            }
        }
    }

    /** Stops answering, closes every socket and removes the socket files. */
    @Override
    public void close() {
        stopping = true;
        selector.wakeup();
        try {
            if (thread != null) {
                thread.join(5_000);
            }
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
            for (ServerSocketChannel server : servers) {
                server.close();
            }
            for (Path path : bound) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
