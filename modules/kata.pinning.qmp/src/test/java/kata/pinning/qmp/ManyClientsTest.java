package kata.pinning.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import kata.pinning.testing.InstantQmpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** 200 clients in one JVM, each on its own real UNIX socket, served by one instant-reply peer. */
@Timeout(60)
class ManyClientsTest {

    private static final int CLIENTS = 200;
    private static final int CALLS = 2_000;

    @TempDir
    Path dir;

    @Test
    void twoHundredClientsHoldNoThreadWhenIdleAndEveryReplyReachesItsCaller() throws Exception {
        List<Path> sockets = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            sockets.add(dir.resolve("vm" + i + ".sock"));
        }
        List<QmpClient> clients = new ArrayList<>();
        try (InstantQmpServer server = InstantQmpServer.start(sockets, Map.of())) {
            int platformBefore = Thread.getAllStackTraces().size();
            for (Path socket : sockets) {
                clients.add(QmpClient.connect(socket, Duration.ofSeconds(10)));
            }
            assertEquals(platformBefore, Thread.getAllStackTraces().size(), "connected clients start no platform thread");
            assertTrue(clients.stream().allMatch(c -> c.threads().isEmpty()), "and no virtual thread while idle");

            List<Future<Boolean>> calls = new ArrayList<>();
            try (ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int n = 0; n < CALLS; n++) {
                    int call = n;
                    QmpClient client = clients.get(call % CLIENTS);
                    calls.add(virtual.submit(() -> client.execute("echo", Map.of("call", call)).path("call").asInt() == call));
                }
                for (Future<Boolean> call : calls) {
                    assertTrue(call.get(30, TimeUnit.SECONDS), "a reply reached another caller");
                }
            }
            assertTrue(clients.stream().allMatch(QmpClient::isOpen));
        } finally {
            clients.forEach(QmpClient::close);
        }
    }
}
