package kata.pinning.qmp.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;
import kata.pinning.qmp.QmpProtocolException;

/**
 * Splits a byte stream into {@code \n}-terminated lines of at most a given size. Memory stays
 * bounded by that size whatever the peer sends: a longer line is an error, not a bigger buffer.
 * Not thread-safe; the session's reader thread owns it.
 */
public final class LineReader {

    private static final int CHUNK = 64 * 1024;

    private final ReadableByteChannel channel;
    private final int maxLineBytes;
    private final ByteBuffer chunk;
    private byte[] line = new byte[1024];
    private int length;

    /**
     * Creates a reader; it reads from the channel only when asked for a line.
     *
     * @param channel      the stream to read
     * @param maxLineBytes the largest line accepted, without its terminator
     */
    public LineReader(ReadableByteChannel channel, int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive, got " + maxLineBytes);
        }
        this.channel = channel;
        this.maxLineBytes = maxLineBytes;
        this.chunk = ByteBuffer.allocate(Math.min(CHUNK, maxLineBytes + 1)).flip();
    }

    /**
     * Reads the next line.
     *
     * @return the line without its {@code \n} or {@code \r\n}, or {@code null} at the end of the
     *         stream between two lines
     * @throws QmpProtocolException if the line is longer than the limit
     * @throws EOFException         if the stream ends in the middle of a line
     * @throws IOException          if reading fails
     */
    public byte[] readLine() throws IOException {
        length = 0;
        while (true) {
            while (chunk.hasRemaining()) {
                byte b = chunk.get();
                if (b == '\n') {
                    int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                    return Arrays.copyOf(line, end);
                }
                append(b);
            }
            chunk.clear();
            int n = channel.read(chunk);
            chunk.flip();
            if (n < 0) {
                if (length == 0) {
                    return null;
                }
                throw new EOFException("stream ended in the middle of a message, after " + length + " bytes: "
                        + Json.excerpt(line, length));
            }
        }
    }

    private void append(byte b) throws QmpProtocolException {
        // A '\r' just before the '\n' is not content, so allow one byte of slack for it.
        if (length == maxLineBytes + 1 || (length == maxLineBytes && b != '\r')) {
            throw new QmpProtocolException("message longer than " + maxLineBytes + " bytes, starting with: "
                    + Json.excerpt(line, Math.min(length, 80)));
        }
        if (length == line.length) {
            line = Arrays.copyOf(line, Math.min(line.length * 2, maxLineBytes + 1));
        }
        line[length++] = b;
    }
}
