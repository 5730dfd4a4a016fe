package kata.pinning.qmp;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;

/** Checks the threads a client runs: its event reader and listener thread, both virtual and both short-lived. */
final class ClientThreads {

    private ClientThreads() {
    }

    /** {@return the client's live threads} */
    static List<Thread> alive(QmpClient client) {
        return client.threads();
    }

    /** Fails unless the client's threads end within 5 seconds, without any close() call. */
    static void assertEnded(QmpClient client) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!alive(client).isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                fail("client threads still alive: " + alive(client));
            }
            Thread.sleep(10);
        }
    }

    /** Waits up to 10 seconds for a condition that listeners make true on their own thread. */
    static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }
}
