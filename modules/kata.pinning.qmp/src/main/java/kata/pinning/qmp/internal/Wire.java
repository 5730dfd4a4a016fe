package kata.pinning.qmp.internal;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The socket of one session, in non-blocking mode, used by whichever thread sends or reads.
 *
 * <p>Non-blocking I/O is what lets callers use the socket themselves: an interrupt that reaches a
 * thread in a blocking read or write of a {@link SocketChannel} closes the channel for everyone,
 * while an interrupt during {@link Selector#select} only ends the wait. Writes hold a lock so that
 * commands never interleave; reads have one owner at a time, the session's reader.
 */
final class Wire implements AutoCloseable {

    /** A deadline that never passes. */
    static final long FOREVER = Long.MAX_VALUE;

    /** How long a writer pauses while the peer's receive buffer is full. */
    private static final long FULL_PAUSE_NANOS = 1_000_000;

    private final SocketChannel channel;
    private final String peer;
    private final Selector selector;
    private final LineReader lines;
    private final ReentrantLock writeLock = new ReentrantLock(); // not synchronized: virtual threads wait here

    Wire(SocketChannel channel, String peer, int maxLineBytes) throws IOException {
        this.channel = channel;
        this.peer = peer;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        try {
            channel.register(selector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
        this.lines = new LineReader(channel, maxLineBytes);
    }

    /**
     * Sends bytes whole. A peer that stops reading fills its buffer; the writer then waits for room
     * until the deadline.
     *
     * @return {@code false} if the deadline passed before any byte went out, so nothing was sent
     * @throws IOException if the socket fails, or the deadline passed in the middle of the bytes,
     *                     which leaves the stream unusable
     */
    boolean write(byte[] bytes, long deadline) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        writeLock.lock();
        try {
            while (buffer.hasRemaining()) {
                if (channel.write(buffer) == 0) {
                    if (deadline - System.nanoTime() <= 0) {
                        if (buffer.position() == 0) {
                            return false;
                        }
                        throw new IOException("the peer stopped reading in the middle of a command");
                    }
                    LockSupport.parkNanos(this, FULL_PAUSE_NANOS); // rare: the peer has not read ~200 kB
                }
            }
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Returns the next line, waiting at most until the deadline or a {@link #wakeUp()}.
     *
     * @return the line, valid until the next read, or {@code null} if none arrived in that time
     * @throws EOFException         at the end of the stream
     * @throws InterruptedException if the thread was interrupted; the socket stays open
     * @throws IOException          if reading fails or the line breaks the size limit
     */
    Line poll(long deadline) throws IOException, InterruptedException {
        // Right after a command went out its reply cannot be there yet: a read would only cost a
        // system call, so wait for the socket first unless a line is already partly buffered.
        if (lines.hasBufferedBytes()) {
            Line line = readNow();
            if (line != null) {
                return line;
            }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return null;
        }
        // select(0) waits forever; a finite wait is at least 1 ms, since select counts milliseconds.
        long millis = deadline == FOREVER ? 0 : Math.max(1, NANOSECONDS.toMillis(left + 999_999));
        int ready = selector.select(key -> { }, millis);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return ready > 0 || lines.hasBufferedBytes() ? readNow() : null;
    }

    /**
     * Returns a line that is already buffered or readable without waiting.
     *
     * @return the line, valid until the next read, or {@code null} if there is none now
     * @throws EOFException at the end of the stream
     * @throws IOException  if reading fails or the line breaks the size limit
     */
    Line readNow() throws IOException {
        Line line = lines.readLine();
        if (line == null) {
            throw new EOFException("QMP peer " + peer + " closed the connection");
        }
        return line == LineReader.NOT_YET ? null : line;
    }

    /** Makes a {@link #poll} in progress, or the next one, return at once. */
    void wakeUp() {
        selector.wakeup();
    }

    /** Closes the socket; a reader blocked in {@link #poll} returns. */
    @Override
    public void close() throws IOException {
        try {
            selector.close(); // wakes a reader in select, then deregisters the channel
        } finally {
            channel.close();
        }
    }
}
