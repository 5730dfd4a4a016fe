package kata.pinning.qmp.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.channels.Channels;
import java.util.List;
import kata.pinning.qmp.HotpluggableCpu;
import kata.pinning.qmp.QmpCommandException;
import kata.pinning.qmp.QmpProtocolException;
import kata.pinning.qmp.QmpStatus;
import tools.jackson.core.type.TypeReference;

/**
 * Fuzzes what a QMP peer sends: the bytes are read into lines as a session reads its socket, and
 * each line is routed with one command of each result type waiting, ids 0 to 4. Invariant: a line
 * either routes, or fails with a {@link QmpProtocolException} that names the peer; a waiting
 * command ends with its value, or with a {@link QmpProtocolException} or {@link QmpCommandException}
 * that names the command. Lines are capped as a session caps them.
 */
class ReplyFuzzTest {

    private static final String PEER = "fuzzed-peer";
    private static final int MAX_LINE = 64 * 1024;
    private static final List<String> COMMANDS = List.of(
            "query-cpus-fast", "query-cpus", "query-hotpluggable-cpus", "query-status", "qom-list");

    @FuzzTest
    void routeEveryLine(byte[] input) throws Exception {
        ReplyTable table = new ReplyTable();
        List<Slot<?>> slots = List.of(
                table.register(COMMANDS.get(0), CpuListDecoder.FAST),
                table.register(COMMANDS.get(1), CpuListDecoder.LEGACY),
                table.register(COMMANDS.get(2), ReplyDecoder.binding(new TypeReference<List<HotpluggableCpu>>() { })),
                table.register(COMMANDS.get(3), ReplyDecoder.binding(new TypeReference<QmpStatus>() { })),
                table.register(COMMANDS.get(4), ReplyDecoder.TREE));
        EventHub events = new EventHub(4, "fuzzed-events", () -> { }, () -> { });
        Router router = new Router(PEER, table, events);
        LineReader reader = new LineReader(Channels.newChannel(new ByteArrayInputStream(input)), MAX_LINE);
        try {
            for (Line line = reader.readLine(); line != null; line = reader.readLine()) {
                router.route(line);
            }
        } catch (EOFException cutShort) {
            assertTrue(cutShort.getMessage().startsWith("stream ended in the middle of a message"), cutShort.getMessage());
        } catch (QmpProtocolException e) {
            assertTrue(e.getMessage().contains(PEER) || e.getMessage().startsWith("message longer than"), e.getMessage());
        }
        for (Slot<?> slot : slots) {
            Slot.Outcome<?> outcome = slot.outcome();
            if (outcome != null && outcome.failure() != null) {
                Exception e = outcome.failure();
                assertTrue(e instanceof QmpProtocolException || e instanceof QmpCommandException, e::toString);
                assertTrue(e.getMessage().contains("'" + slot.command + "'"), e.getMessage());
            }
        }
    }
}
