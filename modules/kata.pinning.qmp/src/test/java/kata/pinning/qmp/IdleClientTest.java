package kata.pinning.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a client does, and does not do, while no command is in flight. */
@Timeout(30)
class IdleClientTest {

    @TempDir
    Path dir;

    @Test
    void toStringDoesNoSocketIoSoAPeerThatHungUpIsNoticedOnlyByIsOpen() throws Exception {
        CountDownLatch hungUp = new CountDownLatch(1);
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            peer.hangUp();
            hungUp.countDown();
        }); QmpClient client = server.connect()) {
            hungUp.await();

            String described = client.toString();

            assertTrue(described.startsWith("QmpClient[") && described.contains("QEMU 7.2.0"), described);
            assertFalse(described.contains("closed"), "toString read the end of the stream: " + described);
            assertFalse(client.isOpen(), "isOpen reads, and finds the end of the stream");
            assertTrue(client.toString().endsWith(", closed]"), client::toString);
        }
    }

    @Test
    void anAwaitEventThatTimesOutEndsTheEventReaderAndLeavesTheSocketToCommands() throws Exception {
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            peer.reply(peer.readCommand(), "{\"n\": 1}");
            peer.awaitHangUp();
        }); QmpClient client = server.connect()) {
            assertThrows(QmpTimeoutException.class, () -> client.awaitEvent("NEVER", Duration.ofMillis(100)));

            ClientThreads.assertEnded(client); // the reader, blocked on a silent socket, was woken to end

            assertEquals(1, client.execute("echo", Map.of()).path("n").asInt());
            assertTrue(client.isOpen());
        }
    }
}
