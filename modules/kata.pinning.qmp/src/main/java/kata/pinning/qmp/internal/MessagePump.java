package kata.pinning.qmp.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads messages from a session's wire and routes them, on whichever thread holds the read turn.
 * A failing socket, the end of the stream or a protocol error closes the session.
 */
final class MessagePump {

    private static final System.Logger LOG = System.getLogger("kata.pinning.qmp");

    private final Wire wire;
    private final Router router;
    private final Consumer<Throwable> shutdown;

    MessagePump(Wire wire, Router router, Consumer<Throwable> shutdown) {
        this.wire = wire;
        this.router = router;
        this.shutdown = shutdown;
    }

    /** Routes messages until this slot has its outcome, the deadline passes, or the thread is interrupted. */
    void untilSettled(Slot<?> mine, long deadline) {
        try {
            while (mine.isWaiting() && deadline - System.nanoTime() > 0 && !Thread.currentThread().isInterrupted()) {
                Line line = wire.poll(deadline);
                if (line != null) {
                    router.route(line);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller gives up, or takes its reply if it came first
        } catch (IOException | RuntimeException e) {
            shutdown.accept(e);
        }
    }

    /** Routes messages, waiting for each as long as it takes, while {@code goOn} holds; for the event reader. */
    void whileTrue(BooleanSupplier goOn, String reader) {
        try {
            while (goOn.getAsBoolean()) {
                Line line = wire.poll(Wire.FOREVER);
                if (line != null) {
                    router.route(line);
                }
            }
        } catch (InterruptedException e) {
            LOG.log(Level.DEBUG, "{0} interrupted", reader);
        } catch (IOException | RuntimeException e) {
            shutdown.accept(e);
        }
    }

    /** Routes what has arrived, without waiting. */
    void whatHasArrived() {
        try {
            for (Line line = wire.readNow(); line != null; line = wire.readNow()) {
                router.route(line);
            }
        } catch (IOException | RuntimeException e) {
            shutdown.accept(e);
        }
    }
}
