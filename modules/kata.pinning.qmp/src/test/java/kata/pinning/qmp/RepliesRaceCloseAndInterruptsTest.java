package kata.pinning.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import kata.pinning.testing.InstantQmpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many callers, most of them virtual threads, race their replies against {@code close()} and
 * against interrupts from another thread, on a real UNIX socket served by an instant-reply peer.
 *
 * <p>What "arrived" means is taken from the client's own DEBUG log, which records each message
 * right after it is read and before it is routed. A wait that is not woken shows as a timeout
 * (callers wait up to an hour, so only a missed wake-up ends there), or, for the platform callers
 * that JFR can see, as a park that lasted until its own time limit.
 */
@Timeout(180)
class RepliesRaceCloseAndInterruptsTest {

    private static final int ROUNDS = 20;
    private static final int VIRTUAL_CALLERS = 32;
    private static final int PLATFORM_CALLERS = 4;
    private static final Duration PATIENT = Duration.ofHours(1);
    private static final Pattern CALL = Pattern.compile("\"call\":\\s*(\\d+)");

    @TempDir
    Path dir;

    /** The calls whose reply the client has read, from its own log. */
    private final Set<Long> arrived = ConcurrentHashMap.newKeySet();
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private final AtomicLong nextCall = new AtomicLong();

    @Test
    void aReplyThatArrivedIsNeverAClosedErrorNoInterruptIsLostAndNoWaitOutlivesAPark() throws Exception {
        Logger log = Logger.getLogger("kata.pinning.qmp");
        Level oldLevel = log.getLevel();
        Handler arrivals = new ArrivalRecorder();
        boolean oldUseParent = log.getUseParentHandlers();
        log.setLevel(Level.FINE);
        log.setUseParentHandlers(false); // the dropped late replies are expected here
        log.addHandler(arrivals);
        AtomicInteger closedErrors = new AtomicInteger();
        AtomicInteger interruptedCalls = new AtomicInteger();
        List<RecordedEvent> parks;
        try (Recording parking = new Recording()) {
            parking.enable("jdk.ThreadPark").withThreshold(Duration.ZERO);
            parking.start();
            for (int round = 0; round < ROUNDS; round++) {
                race(dir.resolve("vm" + round + ".sock"), closedErrors, interruptedCalls);
            }
            parking.stop();
            Path file = Files.createTempFile(dir, "parks", ".jfr");
            parking.dump(file);
            parks = RecordingFile.readAllEvents(file);
        } finally {
            log.removeHandler(arrivals);
            log.setLevel(oldLevel);
            log.setUseParentHandlers(oldUseParent);
        }
        for (RecordedEvent park : parks) {
            if (waitedOutItsLimit(park)) {
                violations.add("a caller waited out a timed park of " + Duration.ofNanos(park.getLong("timeout")));
            }
        }
        List<String> found = List.copyOf(violations);
        assertEquals(List.of(), found.subList(0, Math.min(10, found.size())), found.size() + " violations; the first ten");
        assertTrue(closedErrors.get() > 0 && interruptedCalls.get() > 0,
                "the race happened: " + closedErrors + " closed errors, " + interruptedCalls + " interrupted calls");
    }

    /** One connection: callers call until it closes, an interrupter interrupts them, a closer closes it mid-flight. */
    private void race(Path socket, AtomicInteger closedErrors, AtomicInteger interruptedCalls) throws Exception {
        try (InstantQmpServer server = InstantQmpServer.start(List.of(socket), Map.of())) {
            QmpClient client = QmpClient.connect(socket, Duration.ofSeconds(10));
            AtomicInteger replies = new AtomicInteger();
            List<Caller> callers = new ArrayList<>();
            for (int i = 0; i < VIRTUAL_CALLERS + PLATFORM_CALLERS; i++) {
                Caller caller = new Caller(client, replies, closedErrors, interruptedCalls);
                callers.add(caller);
                caller.thread = (i < VIRTUAL_CALLERS ? Thread.ofVirtual() : Thread.ofPlatform()).start(caller);
            }
            Thread interrupter = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    callers.get(ThreadLocalRandom.current().nextInt(callers.size())).interruptIfInCall();
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(20_000, 200_000));
                }
            });
            int closeAfter = ThreadLocalRandom.current().nextInt(50, 1_500);
            while (replies.get() < closeAfter && callers.stream().anyMatch(c -> c.thread.isAlive())) {
                Thread.sleep(1);
            }
            client.close();
            for (Caller caller : callers) {
                caller.thread.join();
            }
            interrupter.interrupt();
            interrupter.join();
        }
    }

    private static boolean waitedOutItsLimit(RecordedEvent park) {
        String blocker = park.getClass("parkedClass") == null ? "" : park.getClass("parkedClass").getName();
        long limit = park.getLong("timeout");
        return blocker.startsWith("kata.pinning.qmp.internal") && limit > 0 && park.getDuration().toNanos() >= limit;
    }

    /** One calling thread; an interrupt may only reach it while it is inside a call. */
    private final class Caller implements Runnable {
        private static final int OUTSIDE = 0;
        private static final int IN_CALL = 1;
        private static final int INTERRUPTING = 2;
        private static final int INTERRUPTED = 3;

        private final QmpClient client;
        private final AtomicInteger replies;
        private final AtomicInteger closedErrors;
        private final AtomicInteger interruptedCalls;
        private final AtomicInteger state = new AtomicInteger(OUTSIDE);
        private final AtomicReference<String> ended = new AtomicReference<>();
        volatile Thread thread;

        Caller(QmpClient client, AtomicInteger replies, AtomicInteger closedErrors, AtomicInteger interruptedCalls) {
            this.client = client;
            this.replies = replies;
            this.closedErrors = closedErrors;
            this.interruptedCalls = interruptedCalls;
        }

        void interruptIfInCall() {
            if (state.compareAndSet(IN_CALL, INTERRUPTING)) {
                thread.interrupt();
                state.set(INTERRUPTED);
            }
        }

        @Override
        public void run() {
            while (ended.get() == null) {
                long call = nextCall.getAndIncrement();
                state.set(IN_CALL);
                try {
                    long echoed = client.execute("echo", Map.of("call", call), PATIENT).path("call").asLong(-1);
                    if (echoed != call) {
                        violations.add("call " + call + " got the reply to call " + echoed);
                    }
                    replies.incrementAndGet();
                } catch (QmpConnectionClosedException e) {
                    closedErrors.incrementAndGet();
                    if (arrived.contains(call)) {
                        violations.add("call " + call + " failed as closed although its reply arrived: " + e.getMessage());
                    }
                    ended.set("closed");
                } catch (QmpTimeoutException e) {
                    violations.add("call " + call + " was never woken: " + e.getMessage());
                    ended.set("timeout");
                } catch (QmpException e) {
                    if (!(e.getCause() instanceof InterruptedException)) {
                        violations.add("call " + call + " failed unexpectedly: " + e);
                    }
                    interruptedCalls.incrementAndGet();
                }
                checkInterruptKept(call);
            }
        }

        /** If the interrupter reached this thread during the call, the interrupt flag must still be set. */
        private void checkInterruptKept(long call) {
            if (state.compareAndSet(IN_CALL, OUTSIDE)) {
                return; // not interrupted
            }
            while (state.get() != INTERRUPTED) {
                Thread.yield(); // the interrupter is between its two steps
            }
            if (!Thread.interrupted()) {
                violations.add("call " + call + " lost the interrupt it received");
            }
            state.set(OUTSIDE);
        }
    }

    /** Records the calls whose replies the client read, from its DEBUG lines {@code <-- peer message}. */
    private final class ArrivalRecorder extends Handler {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            if (message != null && message.startsWith("<-- ")) {
                Matcher call = CALL.matcher(message);
                if (call.find()) {
                    arrived.add(Long.parseLong(call.group(1)));
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
