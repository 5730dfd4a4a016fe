package kata.pinning.qmp.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import kata.pinning.qmp.QmpGreeting;
import kata.pinning.qmp.QmpProtocolException;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class JsonProperties {

    @Property
    void anExcerptIsQuotedBoundedAndFreeOfControlCharacters(@ForAll @Size(max = 2000) byte[] input) {
        String excerpt = Json.excerpt(input, input.length);

        assertTrue(excerpt.startsWith("\""), excerpt);
        assertTrue(excerpt.endsWith("\"") || excerpt.endsWith("\"..."), excerpt);
        assertTrue(excerpt.length() <= Json.EXCERPT_CHARS * 6 + 5, "at most 6 chars per code point: " + excerpt.length());
        assertTrue(excerpt.chars().noneMatch(c -> c < 0x20), excerpt);
    }

    @Example
    void aShortInputIsQuotedWholeWithItsQuotesEscaped() {
        byte[] input = "{\"a\": 1}\t".getBytes(UTF_8);
        assertEquals("\"{\\\"a\\\": 1}\\u0009\"", Json.excerpt(input, input.length));
    }

    @Example
    void aLongInputIsCut() {
        byte[] input = "z".repeat(500).getBytes(UTF_8);
        assertEquals("\"" + "z".repeat(Json.EXCERPT_CHARS) + "\"...", Json.excerpt(input, input.length));
    }

    @Example
    void readsQemusGreeting() throws Exception {
        QmpGreeting greeting = Json.greeting(Json.MAPPER.readTree(
                "{\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}, \"package\": \"Debian 1:7.2\"},"
                        + " \"capabilities\": [\"oob\"]}"));
        assertEquals(new QmpGreeting(7, 2, 22, "Debian 1:7.2", List.of("oob")), greeting);
    }

    @Example
    void rejectsGreetingsWithoutVersionNumbersOrWithBadCapabilities() {
        for (String bad : List.of("{}", "{\"version\": {\"qemu\": {\"major\": 7, \"minor\": 2}}, \"capabilities\": []}",
                "{\"version\": {\"qemu\": {\"major\": \"7\", \"minor\": 2, \"micro\": 0}}, \"capabilities\": []}",
                "{\"version\": {\"qemu\": {\"major\": -7, \"minor\": 2, \"micro\": 0}}, \"capabilities\": []}",
                "{\"version\": {\"qemu\": {\"major\": 7, \"minor\": 2, \"micro\": 0}}, \"capabilities\": [1]}")) {
            assertThrows(QmpProtocolException.class, () -> Json.greeting(Json.MAPPER.readTree(bad)), bad);
        }
    }

    @Example
    void readsTimestampsAndFallsBackToTheEpoch() {
        assertEquals(Instant.ofEpochSecond(1795871643, 615_896_000),
                Json.instant(Json.MAPPER.readTree("{\"seconds\": 1795871643, \"microseconds\": 615896}")));
        assertEquals(Instant.EPOCH, Json.instant(Json.MAPPER.missingNode()));
    }
}
