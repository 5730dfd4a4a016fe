package kata.pinning.benchmarks;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import kata.pinning.qmp.QmpClient;

/**
 * The floor for a QMP round trip: the least a client can do. No JSON library, no ids, no reader
 * thread: one write of a fixed command, then reads until the reply's line end, on the caller's
 * thread. It trusts the peer to send nothing else, which holds for a paused VM, so it is no client
 * to use anywhere else.
 */
final class RawQmp implements AutoCloseable {

    /** Room for the reply about 128 vCPUs (about 21 kB) and far more. */
    private static final int BUFFER_BYTES = 1 << 20;

    private final SocketChannel channel;
    private final ByteBuffer in = ByteBuffer.allocateDirect(BUFFER_BYTES);

    private RawQmp(SocketChannel channel) {
        this.channel = channel;
    }

    /** Connects, reads the greeting and leaves capabilities negotiation mode. */
    static RawQmp connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            RawQmp qmp = new RawQmp(channel);
            qmp.readLine(); // the greeting
            String reply = qmp.roundTripText(command("qmp_capabilities"));
            if (!reply.contains("\"return\"")) {
                throw new IOException("qmp_capabilities failed: " + reply);
            }
            return qmp;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** {@return the bytes of {@code {"execute":"NAME"}} and a line end, ready to send} */
    static ByteBuffer command(String name) {
        byte[] bytes = ("{\"execute\":\"" + name + "\"}\n").getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    /**
     * Sends {@code command} in one write and reads one line.
     *
     * @return the length of the reply line, line end included
     */
    int roundTrip(ByteBuffer command) throws IOException {
        ByteBuffer toSend = command.duplicate();
        while (toSend.hasRemaining()) {
            channel.write(toSend);
        }
        return readLine();
    }

    /** Copies the first {@code length} bytes of the last reply into {@code into}. */
    void copyReply(byte[] into, int length) {
        in.get(0, into, 0, length);
    }

    /** As {@link #roundTrip}, returning the reply as text, for setting up and checking. */
    String roundTripText(ByteBuffer command) throws IOException {
        int length = roundTrip(command);
        byte[] bytes = new byte[length];
        in.get(0, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Checks that this client and the library's both see {@code vcpus} vCPUs, or the benchmark
     * would measure a smaller reply than it says.
     */
    void requireSameVcpus(QmpClient library, ByteBuffer query, int vcpus) throws IOException {
        int seen = library.queryCpusFast().size();
        int rawSeen = roundTripText(query).split("\"cpu-index\"", -1).length - 1;
        if (seen != vcpus || rawSeen != vcpus) {
            throw new IllegalStateException("expected " + vcpus + " vCPUs, the library saw " + seen
                    + " and the raw client " + rawSeen);
        }
    }

    /** Reads until a '\n' ends what was read; the line starts at 0 of {@link #in}. */
    private int readLine() throws IOException {
        in.clear();
        while (true) {
            int start = in.position();
            if (channel.read(in) < 0) {
                throw new IOException("QEMU closed the QMP socket");
            }
            for (int i = start; i < in.position(); i++) {
                if (in.get(i) == '\n') {
                    return i + 1;
                }
            }
            if (!in.hasRemaining()) {
                throw new IOException("QMP line longer than " + BUFFER_BYTES + " bytes");
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
