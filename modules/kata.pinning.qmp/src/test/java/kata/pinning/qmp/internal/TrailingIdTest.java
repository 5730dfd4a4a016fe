package kata.pinning.qmp.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where the id of a reply is found without parsing, and where parsing must decide. */
class TrailingIdTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"return\": [{\"cpu-index\": 0}], \"id\": 0}            | 0",
        "{\"return\": {}, \"id\": 17}                             | 17",
        "{\"return\":{},\"id\":3}                                  | 3",
        "{\"id\": 5}                                              | 5",
        "{\"return\": {\"id\": 5}}                                | -1",
        "{\"return\": [{\"id\": 5}]}                              | -1",
        "{\"return\": {}, \"id\": \"kp-1\"}                       | -1",
        "{\"return\": {}, \"x\\\"id\": 4}                         | -1",
        "{\"return\": {}, \"id\": 007}                            | -1",
        "{\"return\": {}, \"id\": -1}                             | -1",
        "{\"event\": \"STOP\"}                                    | -1",
        "''                                                       | -1",
    })
    void findsOnlyAnOuterIdThatEndsTheLine(String line, long expected) {
        assertEquals(expected, TrailingId.of(line.strip().getBytes(UTF_8)), line);
        // In the reader's buffer a line sits between other bytes, which must not count.
        byte[] buffer = ("{\"id\": 9" + line.strip() + "\"id\": 8}").getBytes(UTF_8);
        assertEquals(expected, TrailingId.of(buffer, 8, buffer.length - 8 - 8), line);
    }
}
