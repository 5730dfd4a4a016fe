package kata.pinning.qmp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A scripted QMP peer on a real UNIX socket, to inject the faults a real QEMU does not produce.
 * It accepts one connection and runs the script on its own thread; {@link #close()} tears
 * everything down and rethrows what the script threw.
 */
final class FakeQmpServer implements AutoCloseable {

    static final String GREETING =
            "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, \"package\": \"fake\"},"
                    + " \"capabilities\": [\"oob\"]}}";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the peer does once a client connects. */
    @FunctionalInterface
    interface Script {
        void run(Peer peer) throws Exception;
    }

    private final ServerSocketChannel server;
    private final Path socket;
    private final Thread thread;
    private final CompletableFuture<Void> outcome = new CompletableFuture<>();
    private volatile SocketChannel connection;

    private FakeQmpServer(Path socket, Script script) throws IOException {
        this.socket = socket;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.thread = Thread.ofPlatform().daemon().name("fake-qmp " + socket).start(() -> {
            try (SocketChannel accepted = server.accept()) {
                connection = accepted;
                script.run(new Peer(accepted));
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });
    }

    /** Listens on {@code dir/fake.sock} and runs {@code script} for the first client. */
    static FakeQmpServer start(Path dir, Script script) throws IOException {
        return new FakeQmpServer(dir.resolve("fake.sock"), script);
    }

    Path socket() {
        return socket;
    }

    /** Connects a client with a short timeout. */
    QmpClient connect() throws QmpException {
        return QmpClient.connect(socket, Duration.ofSeconds(5));
    }

    /** Closes the sockets, waits for the script, and fails if it threw anything but an I/O error. */
    @Override
    public void close() throws IOException {
        server.close();
        SocketChannel c = connection;
        if (c != null) {
            c.close();
        }
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while stopping the fake QMP server", e);
        }
        if (thread.isAlive()) {
            fail("fake QMP server script did not end");
        }
        if (outcome.state() == Future.State.FAILED) {
            Throwable failure = outcome.exceptionNow();
            if (!(failure instanceof IOException || failure instanceof JacksonIOException)) { // not the client hanging up
                throw new AssertionError("fake QMP server script failed", failure);
            }
        }
    }

    /** The server's side of the connection. */
    static final class Peer {
        private final SocketChannel channel;
        private MappingIterator<JsonNode> in; // commands are JSON objects, not lines
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        Peer(SocketChannel channel) {
            this.channel = channel;
        }

        // Opened on first use: opening it already blocks until the client sends something.
        private MappingIterator<JsonNode> in() {
            if (in == null) {
                InputStream recorded = new FilterInputStream(Channels.newInputStream(channel)) {
                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        int n = super.read(buffer, offset, length);
                        if (n > 0) {
                            received.write(buffer, offset, n);
                        }
                        return n;
                    }
                };
                in = JSON.readerFor(JsonNode.class).readValues(recorded);
            }
            return in;
        }

        /** {@return every byte read from the client so far, as text} */
        String received() {
            return received.toString(UTF_8);
        }

        /** Sends one line; a {@code \n} is added. */
        void send(String line) throws IOException {
            sendRaw(line + "\n");
        }

        /** Sends text as it is. */
        void sendRaw(String text) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        /** Reads one command; fails if the client hung up. */
        JsonNode readCommand() throws IOException {
            if (!in().hasNextValue()) {
                throw new IOException("client hung up");
            }
            return in().nextValue();
        }

        /** Greets, then answers {@code qmp_capabilities}. */
        void handshake() throws IOException {
            send(GREETING);
            JsonNode command = readCommand();
            assertEquals("qmp_capabilities", command.path("execute").asString());
            reply(command, "{}");
        }

        /** {@return the command's id as a message's first member, {@code "id": N, }, or nothing for a command without id} */
        static String idFirst(JsonNode command) {
            return command.has("id") ? "\"id\": " + command.get("id") + ", " : "";
        }

        /** {@return the command's id as a message's last member, {@code , "id": N}, or nothing for a command without id} */
        static String idLast(JsonNode command) {
            return command.has("id") ? ", \"id\": " + command.get("id") : "";
        }

    /** Sends {@code {"return": <json>, "id": <the command's id>}}, without id for a command without one, as QEMU does. */
        void reply(JsonNode command, String returnJson) throws IOException {
            ObjectNode reply = JSON.createObjectNode();
            reply.set("return", JSON.readTree(returnJson));
            if (command.has("id")) {
                reply.set("id", command.get("id"));
            }
            send(reply.toString());
        }

        /** Sends an event with a {@code seq} number in its data. */
        void event(String name, int seq) throws IOException {
            send("{\"event\": \"" + name + "\", \"data\": {\"seq\": " + seq + "},"
                    + " \"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 250}}");
        }

        /** Blocks until the client closes the connection, ignoring what it sends. */
        void awaitHangUp() {
            while (in().hasNextValue()) {
                in().nextValue();
            }
        }

        /** Closes the connection from this side. */
        void hangUp() throws IOException {
            channel.close();
        }
    }
}
