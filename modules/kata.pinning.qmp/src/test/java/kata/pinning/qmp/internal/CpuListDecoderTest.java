package kata.pinning.qmp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.OptionalInt;
import kata.pinning.qmp.CpuInfoFast;
import kata.pinning.qmp.CpuProps;
import kata.pinning.qmp.QmpProtocolException;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;

/** The streaming decoder of the vCPU list, on replies that differ from the QEMU 7.2 ones the benchmarks use. */
class CpuListDecoderTest {

    private static List<CpuInfoFast> decode(CpuListDecoder decoder, String json) throws QmpProtocolException {
        try (JsonParser parser = Json.MAPPER.createParser(json)) {
            parser.nextToken();
            return decoder.decode(parser);
        }
    }

    @Test
    void readsKeysInAnyOrderSkipsUnknownOnesAndKeepsEachTarget() throws QmpProtocolException {
        List<CpuInfoFast> cpus = decode(CpuListDecoder.FAST, """
                [{"target": "x86_64", "future": {"a": [1, {"b": 2}]}, "cpu-index": 0, "qom-path": "/a",
                  "props": {"cluster-id": 9, "core-id": 2000, "node-id": 1}, "thread-id": 10},
                 {"thread-id": 11, "cpu-index": 1, "qom-path": "/b", "target": "x86_64"},
                 {"thread-id": 12, "cpu-index": 2, "qom-path": "/c", "target": "x86_65"}]""");

        CpuProps first = new CpuProps(OptionalInt.of(1), OptionalInt.empty(), OptionalInt.empty(), OptionalInt.of(2000),
                OptionalInt.empty());
        assertEquals(List.of(new CpuInfoFast(0, 10, "/a", "x86_64", first),
                new CpuInfoFast(1, 11, "/b", "x86_64", CpuProps.NONE),
                new CpuInfoFast(2, 12, "/c", "x86_65", CpuProps.NONE)), cpus);
        assertSame(cpus.get(0).target(), cpus.get(1).target(), "one string for a target every vCPU shares");
    }

    @Test
    void theLegacyDecoderReadsQueryCpusKeysAndArchAsTarget() throws QmpProtocolException {
        List<CpuInfoFast> cpus = decode(CpuListDecoder.LEGACY, """
                [{"arch": "x86", "current": true, "CPU": 0, "qom_path": "/a", "thread_id": 5150, "target": "ignored"}]""");

        assertEquals(List.of(new CpuInfoFast(0, 5150, "/a", "x86", CpuProps.NONE)), cpus);
    }

    @Test
    void aMissingOrMistypedKeyIsNamed() {
        QmpProtocolException missing = assertThrows(QmpProtocolException.class,
                () -> decode(CpuListDecoder.FAST, "[{\"cpu-index\": 0, \"qom-path\": \"/a\", \"target\": \"x\"}]"));
        assertEquals("missing thread-id", missing.getMessage());

        QmpProtocolException negative = assertThrows(QmpProtocolException.class,
                () -> decode(CpuListDecoder.FAST, "[{\"cpu-index\": 0, \"thread-id\": 1, \"qom-path\": \"/a\", \"target\": \"x\","
                        + " \"props\": {\"socket-id\": -1}}]"));
        assertEquals("socket-id is not a non-negative int", negative.getMessage());

        QmpProtocolException legacy = assertThrows(QmpProtocolException.class,
                () -> decode(CpuListDecoder.LEGACY, "[{\"CPU\": \"0\", \"thread_id\": 1, \"qom_path\": \"/a\", \"arch\": \"x86\"}]"));
        assertEquals("CPU is not a non-negative int", legacy.getMessage());
    }
}
