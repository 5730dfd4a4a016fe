package kata.pinning.qmp.internal;

import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;
import kata.pinning.qmp.QmpProtocolException;

/**
 * Splits a byte stream into {@code \n}-terminated lines of at most a given size. Memory stays
 * bounded by that size whatever the peer sends: a longer line is an error, not a bigger buffer.
 * On a non-blocking channel it returns {@link #NOT_YET} when the bytes read so far end before a
 * line end. A line is returned in place, as a range of the reader's buffer, valid until the next
 * read. Not thread-safe; the session's current reader owns it.
 */
public final class LineReader {

    /** Returned when a non-blocking channel has no complete line now; compare by identity. */
    static final Line NOT_YET = new Line(new byte[0], 0, 0);

    /** Small enough for hundreds of idle connections, large enough for 128 vCPUs (21 kB) in one read. */
    private static final int CHUNK = 32 * 1024;
    private static final int INITIAL_LINE = 1024;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long NEWLINES = ONES * '\n';

    private final ReadableByteChannel channel;
    private final int maxLineBytes;
    private final ByteBuffer chunk;
    private byte[] line = new byte[INITIAL_LINE];
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
     * Reads the next line. A line cut short by a non-blocking read is kept and completed by the
     * next call.
     *
     * @return the line without its {@code \n} or {@code \r\n}, valid until the next call; {@code null} at the end of the
     *         stream between two lines; {@link #NOT_YET} if a non-blocking channel has no more
     *         bytes now
     * @throws QmpProtocolException if the line is longer than the limit
     * @throws EOFException         if the stream ends in the middle of a line
     * @throws IOException          if reading fails
     */
    public Line readLine() throws IOException {
        while (true) {
            Line complete = takeLine();
            if (complete != null) {
                return complete;
            }
            chunk.clear();
            int n = channel.read(chunk);
            chunk.flip();
            if (n == 0) {
                return NOT_YET;
            }
            if (n < 0) {
                if (length == 0) {
                    return null;
                }
                throw new EOFException("stream ended in the middle of a message, after " + length + " bytes: "
                        + Json.excerpt(line, length));
            }
        }
    }

    /** {@return whether a whole or partial line waits in the buffer} */
    boolean hasBufferedBytes() {
        return chunk.hasRemaining() || length > 0;
    }

    /** Moves buffered bytes into the line up to a line end; returns the line then, else null. */
    private Line takeLine() throws QmpProtocolException {
        byte[] bytes = chunk.array();
        int start = chunk.position();
        int limit = chunk.limit();
        int end = indexOfNewline(bytes, start, limit);
        if (end == limit) {
            append(bytes, start, limit - start);
            chunk.position(limit);
            return null;
        }
        chunk.position(end + 1);
        if (length == 0) { // the whole line is in the chunk: no copy
            checkLength(bytes, start, end - start);
            int size = end > start && bytes[end - 1] == '\r' ? end - 1 - start : end - start;
            return new Line(bytes, start, size);
        }
        append(bytes, start, end - start);
        Line result = new Line(line, 0, line[length - 1] == '\r' ? length - 1 : length);
        length = 0;
        if (line.length > CHUNK) {
            line = new byte[INITIAL_LINE]; // an idle connection does not keep its largest reply's buffer
        }
        return result;
    }

    /**
     * {@return the index of the first {@code \n} in {@code bytes[from, to)}, or {@code to}} Eight
     * bytes at a time: a 21 kB reply is scanned in a few microseconds, not tens.
     */
    static int indexOfNewline(byte[] bytes, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long word = (long) LONGS.get(bytes, i) ^ NEWLINES;
            // A byte of word is zero where bytes holds '\n'; this sets its high bit, and only then.
            if (((word - ONES) & ~word & HIGHS) != 0) {
                break;
            }
        }
        while (i < to && bytes[i] != '\n') {
            i++;
        }
        return i;
    }

    private void append(byte[] bytes, int from, int count) throws QmpProtocolException {
        checkLength(bytes, from, count);
        System.arraycopy(bytes, from, grow(length + count), length, count);
        length += count;
    }

    /** Fails if adding these bytes to the line makes it longer than the limit. */
    private void checkLength(byte[] bytes, int from, int count) throws QmpProtocolException {
        // A '\r' just before the '\n' is not content, so allow one byte of slack for it.
        int total = length + count;
        if (total > maxLineBytes + 1 || (total == maxLineBytes + 1 && count > 0 && bytes[from + count - 1] != '\r')) {
            int shown = Math.min(80, total);
            if (length < shown) {
                System.arraycopy(bytes, from, grow(shown), length, shown - length);
            }
            throw new QmpProtocolException("message longer than " + maxLineBytes + " bytes, starting with: "
                    + Json.excerpt(line, shown));
        }
    }

    private byte[] grow(int needed) {
        if (needed > line.length) {
            line = Arrays.copyOf(line, Math.min(Math.max(line.length * 2, needed), maxLineBytes + 1));
        }
        return line;
    }
}
