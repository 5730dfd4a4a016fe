package kata.pinning.qmp.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import kata.pinning.qmp.QmpGreeting;
import kata.pinning.qmp.QmpProtocolException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/** The module's one Jackson mapper, the parsing of QMP's greeting and timestamps, and the quoting of bad input. */
public final class Json {

    /** Thread-safe once built; shared by every session. Unknown properties are ignored per record. */
    public static final JsonMapper MAPPER = JsonMapper.builder().build();

    /**
     * Reads one value from a parser in the middle of a message, leaving the tokens after it (such
     * as a reply's {@code id}) to the caller.
     */
    public static final ObjectReader VALUE_READER = MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The most characters of bad input that an error message quotes. */
    static final int EXCERPT_CHARS = 120;

    private Json() {
    }

    /**
     * Quotes the start of some bytes for an error message: decoded as UTF-8, at most
     * {@value #EXCERPT_CHARS} characters, control characters escaped, {@code ...} if cut.
     *
     * @param bytes  the input
     * @param length how many bytes of {@code bytes} are input
     * @return the excerpt in double quotes
     */
    public static String excerpt(byte[] bytes, int length) {
        return excerpt(bytes, 0, length);
    }

    /**
     * Quotes the start of a range of bytes for an error message, as {@link #excerpt(byte[], int)}.
     *
     * @param bytes  the buffer
     * @param from   where the input starts in {@code bytes}
     * @param length how many bytes of input follow
     * @return the excerpt in double quotes
     */
    public static String excerpt(byte[] bytes, int from, int length) {
        // Decoding at most 4 bytes per character keeps this cheap for a 1 MiB line.
        String text = new String(bytes, from, Math.min(length, EXCERPT_CHARS * 4), StandardCharsets.UTF_8);
        boolean cut = text.codePointCount(0, text.length()) > EXCERPT_CHARS || length > EXCERPT_CHARS * 4;
        StringBuilder out = new StringBuilder(EXCERPT_CHARS + 8).append('"');
        text.codePoints().limit(EXCERPT_CHARS).forEach(c -> {
            if (c == '"' || c == '\\') {
                out.append('\\').append((char) c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append(cut ? "\"..." : "\"").toString();
    }

    /**
     * Quotes the start of a JSON value for an error message, as {@link #excerpt(byte[], int)}.
     *
     * @param node the value
     * @return the excerpt in double quotes
     */
    public static String excerpt(JsonNode node) {
        byte[] bytes = node.toString().getBytes(StandardCharsets.UTF_8);
        return excerpt(bytes, bytes.length);
    }

    /**
     * Reads the greeting's {@code QMP} object.
     *
     * @param qmp the object
     * @return the greeting
     * @throws QmpProtocolException if the version or capabilities are missing or malformed
     */
    static QmpGreeting greeting(JsonNode qmp) throws QmpProtocolException {
        JsonNode version = qmp.path("version").path("qemu");
        JsonNode capabilities = qmp.path("capabilities");
        boolean wellFormed = isInt(version.path("major")) && isInt(version.path("minor")) && isInt(version.path("micro"))
                && capabilities.isArray() && capabilities.valueStream().allMatch(JsonNode::isString);
        if (!wellFormed) {
            throw new QmpProtocolException("malformed QMP greeting: " + Json.excerpt(qmp));
        }
        try {
            return new QmpGreeting(version.get("major").intValue(), version.get("minor").intValue(),
                    version.get("micro").intValue(), qmp.path("version").path("package").asString(""),
                    capabilities.valueStream().map(JsonNode::stringValue).toList());
        } catch (IllegalArgumentException e) { // a negative version number
            throw new QmpProtocolException("malformed QMP greeting (" + e.getMessage() + "): " + Json.excerpt(qmp), e);
        }
    }

    private static boolean isInt(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToInt();
    }

    /**
     * Reads a QMP timestamp, {@code {"seconds": s, "microseconds": us}}.
     *
     * @param timestamp the timestamp object, or a missing node
     * @return the instant, or {@link Instant#EPOCH} if {@code timestamp} is not an object
     */
    static Instant instant(JsonNode timestamp) {
        if (!timestamp.isObject()) {
            return Instant.EPOCH;
        }
        return Instant.ofEpochSecond(timestamp.path("seconds").asLong(0), timestamp.path("microseconds").asLong(0) * 1000);
    }
}
