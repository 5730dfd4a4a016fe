package kata.pinning.qmp;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;

/** Finds the reader and writer threads a client runs for one socket. */
final class ClientThreads {

    private ClientThreads() {
    }

    /** {@return the live client threads for this socket} */
    static List<Thread> alive(Path socket) {
        List<String> names = List.of("qmp-reader " + socket, "qmp-writer " + socket);
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && names.contains(t.getName()))
                .toList();
    }

    /** Fails unless the client's threads for this socket end within 5 seconds, without any close() call. */
    static void assertEnded(Path socket) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!alive(socket).isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                fail("client threads still alive: " + alive(socket));
            }
            Thread.sleep(10);
        }
    }
}
