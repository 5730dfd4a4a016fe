package kata.pinning.qmp.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import kata.pinning.qmp.QmpProtocolException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

class LineReaderProperties {

    private static final int LIMIT = 64;

    @Property
    void readsBackTheLinesWrittenWhateverTheReadSizes(@ForAll("linesWithinTheLimit") List<String> lines,
                                                      @ForAll boolean crlf,
                                                      @ForAll("readSizes") List<Integer> readSizes) throws IOException {
        String text = lines.stream().map(line -> line + (crlf ? "\r\n" : "\n")).collect(Collectors.joining());
        LineReader reader = new LineReader(new ChunkedChannel(text.getBytes(UTF_8), readSizes), LIMIT);

        List<String> read = new ArrayList<>();
        for (Line line = reader.readLine(); line != null; line = reader.readLine()) {
            read.add(line.text());
        }

        assertEquals(lines, read);
    }

    @Property
    void acceptsALineAtTheLimitAndRejectsOneByteMore(@ForAll @IntRange(min = 1, max = 300) int limit,
                                                     @ForAll("readSizes") List<Integer> readSizes) throws IOException {
        String text = "a".repeat(limit) + "\r\n" + "b".repeat(limit + 1) + "\n";
        LineReader reader = new LineReader(new ChunkedChannel(text.getBytes(UTF_8), readSizes), limit);

        assertArrayEquals("a".repeat(limit).getBytes(UTF_8), reader.readLine().toBytes());
        QmpProtocolException e = assertThrows(QmpProtocolException.class, reader::readLine);
        assertTrue(e.getMessage().contains("longer than " + limit + " bytes"), e::getMessage);
    }

    @Property
    void anUnfinishedLastLineIsAnEofException(@ForAll("linesWithinTheLimit") List<String> lines,
                                             @ForAll("readSizes") List<Integer> readSizes) throws IOException {
        String text = lines.stream().map(line -> line + "\n").collect(Collectors.joining()) + "{\"partial\"";
        LineReader reader = new LineReader(new ChunkedChannel(text.getBytes(UTF_8), readSizes), LIMIT);

        for (int i = 0; i < lines.size(); i++) {
            reader.readLine();
        }
        EOFException e = assertThrows(EOFException.class, reader::readLine);
        assertTrue(e.getMessage().contains("after 10 bytes"), e::getMessage);
    }

    @Example
    void anEmptyStreamHasNoLines() throws IOException {
        assertNull(new LineReader(new ChunkedChannel(new byte[0], List.of(1)), LIMIT).readLine());
    }

    @Example
    void rejectsANonPositiveLimit() {
        assertThrows(IllegalArgumentException.class, () -> new LineReader(new ChunkedChannel(new byte[0], List.of(1)), 0));
    }

    @Provide
    Arbitrary<List<String>> linesWithinTheLimit() {
        // Up to 21 chars of at most 3 UTF-8 bytes each stay within LIMIT; no surrogates, so UTF-8 round-trips.
        return Arbitraries.strings().withCharRange(' ', '\uD7FF').withChars('\t', '\r').ofMaxLength(21)
                .filter(line -> !line.endsWith("\r"))
                .list().ofMaxSize(20);
    }

    @Provide
    Arbitrary<List<Integer>> readSizes() {
        return Arbitraries.integers().between(1, 100).list().ofMinSize(1).ofMaxSize(10);
    }

    /** A channel that hands out its bytes in reads of the given sizes, in turn, as a socket might. */
    private static final class ChunkedChannel implements ReadableByteChannel {
        private final ByteBuffer data;
        private final List<Integer> sizes;
        private int turn;

        ChunkedChannel(byte[] data, List<Integer> sizes) {
            this.data = ByteBuffer.wrap(data);
            this.sizes = sizes;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (!data.hasRemaining()) {
                return -1;
            }
            int n = Math.min(Math.min(sizes.get(turn++ % sizes.size()), dst.remaining()), data.remaining());
            dst.put(data.slice(data.position(), n));
            data.position(data.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Property
    void theWordAtATimeNewlineSearchFindsWhatAByteAtATimeSearchFinds(@ForAll("sparseNewlines") byte[] bytes,
                                                                    @ForAll @IntRange(max = 40) int from) {
        int start = Math.min(from, bytes.length);
        int expected = start;
        while (expected < bytes.length && bytes[expected] != '\n') {
            expected++;
        }
        assertEquals(expected, LineReader.indexOfNewline(bytes, start, bytes.length));
    }

    @Provide
    Arbitrary<byte[]> sparseNewlines() {
        // Mostly bytes next to '\n' in value (0x09, 0x0b, 0x8a), which a faulty bit trick would take for it.
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just((byte) '\n')),
                Tuple.of(10, Arbitraries.of((byte) 0x09, (byte) 0x0b, (byte) 0x8a, (byte) 0x00, (byte) 0xff)),
                Tuple.of(30, Arbitraries.bytes()))
                .array(byte[].class).ofMaxSize(100);
    }
}
