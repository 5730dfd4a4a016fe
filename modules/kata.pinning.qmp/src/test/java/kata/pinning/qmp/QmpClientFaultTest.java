package kata.pinning.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Faults that a real QEMU does not produce, injected by a scripted peer on a real UNIX socket. Each
 * ends in the documented exception within its timeout, and the client's threads end by themselves.
 */
@Timeout(30) // a hang is a failure, not a slow pass
class QmpClientFaultTest {

    private static final Duration SHORT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    /** A call to the client that may fail with a QMP exception. */
    @FunctionalInterface
    private interface QmpCall<T> {
        T call() throws QmpException;
    }

    /** Runs a call on another thread; the future fails with the call's exception. */
    private static <T> CompletableFuture<T> inBackground(QmpCall<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (QmpException e) {
                throw new CompletionException(e);
            }
        });
    }

    /** Runs {@code command} on a fresh connection and returns how the connection's failure reached the caller. */
    private QmpConnectionClosedException failingCall(FakeQmpServer.Script afterCommand) throws Exception {
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            afterCommand.run(peer);
        })) {
            QmpClient client = server.connect();
            QmpConnectionClosedException e = assertThrows(QmpConnectionClosedException.class,
                    () -> client.execute("query-status", Map.of()));
            assertEquals("query-status", e.command().orElseThrow());
            assertFalse(client.isOpen());
            ClientThreads.assertEnded(client);
            QmpConnectionClosedException later = assertThrows(QmpConnectionClosedException.class, client::queryCpusFast);
            assertSame(e.getCause(), later.getCause(), "later calls fail at once, for the same reason");
            client.close();
            return e;
        }
    }

    @Test
    void malformedJsonClosesTheConnectionWithAProtocolErrorQuotingTheInput() throws Exception {
        QmpConnectionClosedException e = failingCall(peer -> {
            peer.readCommand();
            peer.send("{\"return\": {\"status\": oops}}");
        });
        QmpProtocolException cause = assertInstanceOf(QmpProtocolException.class, e.getCause());
        assertTrue(cause.getMessage().contains("malformed JSON"), cause::getMessage);
        assertTrue(cause.getMessage().contains("{\\\"status\\\": oops}"), cause::getMessage);
    }

    @Test
    void aReplyWithoutIdAnswersTheOneCommandSentWithoutId() throws Exception {
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            JsonNode command = peer.readCommand();
            assertFalse(command.has("id"), "alone in flight, a command goes without id");
            peer.send("{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error\"}}");
            peer.awaitHangUp();
        }); QmpClient client = server.connect()) {
            QmpCommandException e = assertThrows(QmpCommandException.class, () -> client.execute("query-status", Map.of()));
            assertEquals("JSON parse error", e.description());
            assertTrue(client.isOpen());
        }
    }

    @Test
    void aReplyWithoutIdWhileNoCommandWithoutIdIsInFlightIsAProtocolError() throws Exception {
        CountDownLatch firstArrived = new CountDownLatch(1);
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            JsonNode first = peer.readCommand();
            firstArrived.countDown();
            JsonNode second = peer.readCommand();
            assertEquals(0, second.path("id").asInt(-1), "the second command in flight takes id 0");
            peer.reply(first, "{}");
            peer.send("{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error\"}}");
            peer.awaitHangUp();
        }); QmpClient client = server.connect()) {
            CompletableFuture<JsonNode> first = inBackground(() -> client.execute("first", Map.of()));
            firstArrived.await();
            QmpConnectionClosedException e = assertThrows(QmpConnectionClosedException.class,
                    () -> client.execute("second", Map.of()));
            first.get(10, TimeUnit.SECONDS);
            QmpProtocolException cause = assertInstanceOf(QmpProtocolException.class, e.getCause());
            assertTrue(cause.getMessage().contains("a reply without id"), cause::getMessage);
        }
    }

    @Test
    void aMessageThatIsNeitherReplyNorEventIsAProtocolError() throws Exception {
        QmpConnectionClosedException e = failingCall(peer -> {
            JsonNode command = peer.readCommand();
            peer.send("{" + FakeQmpServer.Peer.idFirst(command) + "\"answer\": 42}");
        });
        assertTrue(assertInstanceOf(QmpProtocolException.class, e.getCause()).getMessage().contains("neither a reply nor an event"));
    }

    @Test
    void aLineLongerThanOneMebibyteIsCutOff() throws Exception {
        QmpConnectionClosedException e = failingCall(peer -> {
            peer.readCommand();
            peer.send("{\"return\": \"" + "x".repeat(QmpClient.MAX_LINE_BYTES) + "\"}");
        });
        QmpProtocolException cause = assertInstanceOf(QmpProtocolException.class, e.getCause());
        assertTrue(cause.getMessage().contains("longer than 1048576 bytes"), cause::getMessage);
        assertTrue(cause.getMessage().length() < 400, "quotes an excerpt, not the line");
    }

    @Test
    void aLineOfExactlyOneMebibyteIsAccepted() throws Exception {
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            JsonNode command = peer.readCommand();
            String frame = "{\"return\": \"\"" + FakeQmpServer.Peer.idLast(command) + "}";
            String padded = frame.replace("\"\"", "\"" + "y".repeat(QmpClient.MAX_LINE_BYTES - frame.length()) + "\"");
            assertEquals(QmpClient.MAX_LINE_BYTES, padded.length());
            peer.sendRaw(padded + "\r\n");
            peer.awaitHangUp();
        }); QmpClient client = server.connect()) {
            String value = client.execute("big", Map.of()).asString();
            assertTrue(value.length() > QmpClient.MAX_LINE_BYTES - 64 && value.chars().allMatch(c -> c == 'y'));
            assertTrue(client.isOpen());
        }
    }

    @Test
    void endOfStreamInTheMiddleOfAReplyNamesTheCommandInFlight() throws Exception {
        QmpConnectionClosedException e = failingCall(peer -> {
            peer.readCommand();
            peer.sendRaw("{\"return\": {\"status\": \"runn");
            peer.hangUp();
        });
        EOFException cause = assertInstanceOf(EOFException.class, e.getCause());
        assertTrue(cause.getMessage().contains("middle of a message"), cause::getMessage);
        assertTrue(e.getMessage().contains("'query-status'"), e::getMessage);
    }

    @Test
    void aTimeoutFailsOnlyItsCallerAndTheLateReplyNeverReachesAnotherCaller() throws Exception {
        CountDownLatch patientSent = new CountDownLatch(1);
        CountDownLatch timedOut = new CountDownLatch(1);
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            JsonNode patient = peer.readCommand();
            patientSent.countDown();
            JsonNode hurried = peer.readCommand();
            timedOut.await();
            JsonNode next = peer.readCommand();
            // The timed-out command's id stays taken until its late reply arrives.
            assertNotEquals(hurried.get("id"), next.get("id"));
            assertNotEquals(patient.get("id"), next.get("id"));
            peer.reply(hurried, "{\"late\": true}"); // dropped: its caller gave up
            peer.reply(next, "{\"n\": 2}");
            peer.reply(patient, "{\"n\": 1}");
            peer.awaitHangUp();
        }); QmpClient client = server.connect()) {
            CompletableFuture<JsonNode> patient = inBackground(() -> client.execute("patient", Map.of(), Duration.ofMinutes(5)));
            patientSent.await();

            QmpTimeoutException timeout = assertThrows(QmpTimeoutException.class, () -> client.execute("hurried", Map.of(), SHORT));

            assertEquals(SHORT, timeout.timeout());
            assertTrue(timeout.getMessage().contains("'hurried'"), timeout::getMessage);
            assertTrue(client.isOpen(), "a timeout leaves the connection open");
            timedOut.countDown();

            assertEquals(2, client.execute("next", Map.of()).path("n").asInt(), "the next call gets its own reply");
            assertEquals(1, patient.get(10, TimeUnit.SECONDS).path("n").asInt(), "the other waiter was not released");
            assertTrue(client.isOpen());
        }
    }

    @Test
    void aSlowListenerDoesNotDelayAConcurrentQuery() throws Exception {
        CountDownLatch listening = new CountDownLatch(1);
        CountDownLatch queried = new CountDownLatch(1);
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            peer.event("PING", 1);
            peer.reply(peer.readCommand(), "[{\"cpu-index\": 0, \"thread-id\": 4242, \"qom-path\": \"/machine/cpu0\","
                    + " \"target\": \"x86_64\"}]");
            peer.awaitHangUp();
        }); QmpClient client = server.connect()) {
            AtomicInteger finished = new AtomicInteger();
            client.addEventListener(event -> {
                listening.countDown();
                try {
                    // Sleeps 2 s unless the query returns first, as it must.
                    if (!queried.await(2, TimeUnit.SECONDS)) {
                        finished.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(listening.await(10, TimeUnit.SECONDS), "the event reader delivered the event");

            List<CpuInfoFast> cpus = client.queryCpusFast();

            assertEquals(0, finished.get(), "the query returned while the listener was still busy");
            queried.countDown();
            assertEquals(4242, cpus.getFirst().threadId());
        }
    }

    @Test
    void noGreetingMeansConnectTimesOut() throws Exception {
        try (FakeQmpServer server = FakeQmpServer.start(dir, FakeQmpServer.Peer::awaitHangUp)) {
            QmpTimeoutException e = assertThrows(QmpTimeoutException.class, () -> QmpClient.connect(server.socket(), SHORT));
            assertTrue(e.getMessage().contains("no QMP greeting"), e::getMessage);
            // A socket that accepts but never greets is one that another client holds: say so, and what to do.
            assertTrue(e.getMessage().contains("one client at a time"), e::getMessage);
            assertTrue(e.getMessage().contains("extra_monitor_socket = \"qmp\""), e::getMessage);
            assertTrue(e.getMessage().contains("-name <name>,debug-threads=on"), e::getMessage);
        }
    }

    @Test
    void queryVcpusFallsBackToQueryCpusOnceWhenQueryCpusFastIsUnknown() throws Exception {
        String legacy = "[{\"arch\": \"x86\", \"current\": true, \"props\": {\"core-id\": 0, \"thread-id\": 0,"
                + " \"socket-id\": 0}, \"CPU\": 0, \"qom_path\": \"/machine/unattached/device[0]\", \"pc\": 4294967280,"
                + " \"halted\": false, \"thread_id\": 5151}, {\"arch\": \"x86\", \"current\": false, \"CPU\": 1,"
                + " \"qom_path\": \"/machine/unattached/device[2]\", \"halted\": true, \"thread_id\": 5152}]";
        CompletableFuture<List<String>> commands = new CompletableFuture<>();
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            List<String> seen = new ArrayList<>();
            JsonNode fast = peer.readCommand();
            seen.add(fast.path("execute").asString());
            peer.send("{" + FakeQmpServer.Peer.idFirst(fast) + "\"error\": {\"class\": \"CommandNotFound\","
                    + " \"desc\": \"The command query-cpus-fast has not been found\"}}");
            for (int i = 0; i < 2; i++) {
                JsonNode command = peer.readCommand();
                seen.add(command.path("execute").asString());
                peer.reply(command, legacy);
            }
            commands.complete(seen);
            peer.awaitHangUp();
        }); QmpClient client = server.connect()) {
            List<CpuInfoFast> expected = List.of(
                    new CpuInfoFast(0, 5151, "/machine/unattached/device[0]", "x86",
                            new CpuProps(OptionalInt.empty(), OptionalInt.of(0), OptionalInt.empty(), OptionalInt.of(0), OptionalInt.of(0))),
                    new CpuInfoFast(1, 5152, "/machine/unattached/device[2]", "x86", CpuProps.NONE));

            assertEquals(expected, client.queryVcpus());
            assertEquals(expected, client.queryVcpus());

            assertEquals(List.of("query-cpus-fast", "query-cpus", "query-cpus"), commands.get(10, TimeUnit.SECONDS),
                    "query-cpus-fast is asked once per connection");
        }
    }

    @Test
    void somethingOtherThanAGreetingFirstIsAProtocolError() throws Exception {
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.send("{\"return\": {}}");
            peer.awaitHangUp();
        })) {
            QmpProtocolException e = assertThrows(QmpProtocolException.class, server::connect);
            assertTrue(e.getMessage().contains("other than the QMP greeting"), e::getMessage);
        }
    }

    @Test
    void aGreetingWithoutVersionIsAProtocolError() throws Exception {
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.send("{\"QMP\": {\"capabilities\": []}}");
            peer.awaitHangUp(); // no qmp_capabilities comes after a bad greeting
        })) {
            QmpProtocolException e = assertThrows(QmpProtocolException.class, server::connect);
            assertTrue(e.getMessage().contains("malformed QMP greeting"), e::getMessage);
        }
    }

    @Test
    void hangingUpBeforeTheGreetingClosesTheConnection() throws Exception {
        try (FakeQmpServer server = FakeQmpServer.start(dir, FakeQmpServer.Peer::hangUp)) {
            QmpConnectionClosedException e = assertThrows(QmpConnectionClosedException.class, server::connect);
            assertTrue(e.command().isEmpty());
            assertInstanceOf(EOFException.class, e.getCause());
        }
    }

    @Test
    void connectRetriesUntilTheSocketAppears() throws Exception {
        Path socket = dir.resolve("fake.sock");
        CompletableFuture<QmpClient> connecting = inBackground(() -> QmpClient.connect(socket, Duration.ofSeconds(10)));
        Thread.sleep(200); // the client is now retrying on a missing socket file
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            peer.awaitHangUp();
        }); QmpClient client = connecting.get(10, TimeUnit.SECONDS)) {
            assertEquals(socket, server.socket());
            assertEquals("7.2.0", client.greeting().version());
            assertEquals("fake", client.greeting().packageName());
        }
    }

    @Test
    void connectGivesUpOnAMissingSocketAtTheDeadline() {
        QmpTimeoutException e = assertThrows(QmpTimeoutException.class,
                () -> QmpClient.connect(dir.resolve("missing.sock"), SHORT));
        assertInstanceOf(SocketException.class, e.getCause());
        assertEquals(SHORT, e.timeout());
    }

    @Test
    void aStormOfEventsBeforeEachReplyReachesListenersAndKeepsOnlyTheNewestBuffered() throws Exception {
        int commands = 20;
        int eventsPerReply = 100;
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            int seq = 0;
            for (int i = 0; i < commands; i++) {
                JsonNode command = peer.readCommand();
                for (int e = 0; e < eventsPerReply; e++) {
                    peer.event("STORM", seq++);
                }
                peer.reply(command, command.get("arguments").toString());
            }
            peer.awaitHangUp();
        }); QmpClient client = server.connect()) {
            AtomicInteger heard = new AtomicInteger();
            client.addEventListener(event -> heard.incrementAndGet());

            for (int i = 0; i < commands; i++) {
                assertEquals(i, client.execute("echo", Map.of("n", i)).path("n").asInt(), "reply, not an event");
            }

            ClientThreads.awaitTrue(() -> heard.get() == commands * eventsPerReply, "listeners heard every event");
            List<Integer> buffered = new ArrayList<>();
            while (true) {
                try {
                    buffered.add(client.awaitEvent("STORM", Duration.ofMillis(50)).data().path("seq").asInt());
                } catch (QmpTimeoutException drained) {
                    break;
                }
            }
            int total = commands * eventsPerReply;
            List<Integer> newest = new ArrayList<>();
            for (int seq = total - QmpClient.EVENT_BUFFER_CAPACITY; seq < total; seq++) {
                newest.add(seq);
            }
            assertEquals(newest, buffered);
            assertTrue(client.isOpen(), "an awaitEvent timeout leaves the connection open");
        }
    }

    @Test
    void manyConcurrentCallersGetTheirOwnRepliesWhenThePeerAnswersOutOfOrder() throws Exception {
        int callers = 600;
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < callers; i++) {
                        received.add(peer.readCommand());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            int answered = 0;
            while (answered < callers) {
                List<JsonNode> batch = new ArrayList<>(List.of(received.take()));
                Thread.sleep(1);
                received.drainTo(batch);
                Collections.shuffle(batch);
                for (JsonNode command : batch) {
                    peer.event("NOISE", answered);
                    peer.reply(command, command.get("arguments").toString());
                    answered++;
                }
            }
            reader.join();
            peer.awaitHangUp();
        }); QmpClient client = server.connect()) {
            List<Future<Integer>> results = new ArrayList<>();
            try (ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor();
                 ExecutorService platform = Executors.newFixedThreadPool(8)) {
                for (int i = 0; i < callers; i++) {
                    int n = i;
                    ExecutorService pool = i % 5 == 0 ? platform : virtual;
                    results.add(pool.submit(() -> client.execute("echo", Map.of("n", n)).path("n").asInt()));
                }
                for (int i = 0; i < callers; i++) {
                    assertEquals(i, results.get(i).get(20, TimeUnit.SECONDS));
                }
            }
            assertTrue(client.isOpen());
        }
    }

    @Test
    void anErrorReplyIsACommandExceptionAndTheConnectionStaysOpen() throws Exception {
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            JsonNode command = peer.readCommand();
            peer.send("{" + FakeQmpServer.Peer.idFirst(command) + "\"error\": {\"class\": \"GenericError\", \"desc\": \"no slot\"}}");
            peer.reply(peer.readCommand(), "{\"status\": \"running\", \"running\": true, \"singlestep\": false}");
            peer.awaitHangUp();
        }); QmpClient client = server.connect()) {
            QmpCommandException e = assertThrows(QmpCommandException.class, () -> client.execute("device_add", Map.of("driver", "x")));
            assertEquals("GenericError", e.errorClass());
            assertEquals("no slot", e.description());
            assertEquals(new QmpStatus("running", true), client.queryStatus());
        }
    }

    @Test
    void commandsGoOutAsCompactJsonAndWithoutIdWhileNoOtherIsInFlight() throws Exception {
        CompletableFuture<String> transcript = new CompletableFuture<>();
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            peer.reply(peer.readCommand(), "{\"status\": \"running\", \"running\": true}");
            peer.reply(peer.readCommand(), "{\"n\": 1}");
            transcript.complete(peer.received());
            peer.awaitHangUp();
        }); QmpClient client = server.connect()) {
            client.queryStatus();
            client.execute("echo", Map.of("n", 1));
            // No spaces, no line ends, and no id: QEMU reads commands a byte at a time.
            assertEquals("{\"execute\":\"qmp_capabilities\"}{\"execute\":\"query-status\"}"
                    + "{\"execute\":\"echo\",\"arguments\":{\"n\":1}}", transcript.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aReplyWithAnUnknownIdIsDropped() throws Exception {
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            JsonNode command = peer.readCommand();
            peer.send("{\"return\": {\"n\": -1}, \"id\": \"someone-else\"}");
            peer.send("{\"return\": {\"n\": -2}, \"id\": 99}");
            peer.reply(command, "{\"n\": 7}");
            peer.awaitHangUp();
        }); QmpClient client = server.connect()) {
            assertEquals(7, client.execute("echo", Map.of()).path("n").asInt());
            assertTrue(client.isOpen());
        }
    }

    @Test
    void aResultOfTheWrongShapeFailsThatCallOnly() throws Exception {
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            peer.reply(peer.readCommand(), "[{\"cpu-index\": 0, \"qom-path\": \"/machine/cpu0\", \"target\": \"x86_64\"}]");
            peer.reply(peer.readCommand(), "[{\"cpu-index\": 0, \"thread-id\": 4242, \"qom-path\": \"/machine/cpu0\","
                    + " \"target\": \"x86_64\", \"arch\": \"x86\", \"future-key\": {\"a\": 1}}]");
            peer.awaitHangUp();
        }); QmpClient client = server.connect()) {
            QmpProtocolException e = assertThrows(QmpProtocolException.class, client::queryCpusFast);
            assertTrue(e.getMessage().contains("thread-id"), e::getMessage);
            assertTrue(client.isOpen());
            assertEquals(List.of(new CpuInfoFast(0, 4242, "/machine/cpu0", "x86_64", CpuProps.NONE)), client.queryCpusFast());
        }
    }

    @Test
    void anInterruptedCallerGivesUpAloneAndTheConnectionStaysOpen() throws Exception {
        CountDownLatch firstArrived = new CountDownLatch(1);
        CountDownLatch callerGaveUp = new CountDownLatch(1);
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            JsonNode slow = peer.readCommand();
            firstArrived.countDown();
            callerGaveUp.await();
            JsonNode next = peer.readCommand();
            // The abandoned command's id stays taken until its reply arrives.
            assertNotEquals(slow.get("id"), next.get("id"));
            peer.reply(slow, "{\"late\": true}"); // dropped: its caller is gone
            peer.reply(next, "{\"n\": 2}");
            peer.awaitHangUp();
        }); QmpClient client = server.connect()) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    client.execute("slow", Map.of(), Duration.ofMinutes(5));
                    outcome.complete(null);
                } catch (QmpException e) {
                    outcome.complete(Thread.currentThread().isInterrupted() ? e : new AssertionError("interrupt flag lost", e));
                }
            });
            firstArrived.await();
            caller.interrupt();
            Throwable e = outcome.get(10, TimeUnit.SECONDS);
            assertEquals(QmpException.class, e.getClass(), () -> String.valueOf(e));
            assertInstanceOf(InterruptedException.class, e.getCause());
            callerGaveUp.countDown();

            assertEquals(2, client.execute("echo", Map.of()).path("n").asInt());
            assertTrue(client.isOpen());
        }
    }

    @Test
    void closeReleasesAWaitingCallerAndEndsTheThreads() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            peer.readCommand();
            arrived.countDown();
            peer.awaitHangUp();
        })) {
            QmpClient client = server.connect();
            CompletableFuture<JsonNode> waiting = inBackground(() -> client.execute("query-status", Map.of(), Duration.ofMinutes(5)));
            arrived.await();

            client.close();

            ExecutionException released = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
            QmpConnectionClosedException e = assertInstanceOf(QmpConnectionClosedException.class, released.getCause());
            assertEquals("query-status", e.command().orElseThrow());
            assertNull(e.getCause(), "closed on purpose");
            assertTrue(ClientThreads.alive(client).isEmpty(), "close() waits for the threads");
            client.close(); // idempotent
        }
    }

    @Test
    void awaitEventWaitsForALaterEventAndFailsOnceTheConnectionClosesWithoutIt() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            go.await();
            peer.event("LATER", 1);
            peer.event("OTHER", 2);
            peer.hangUp();
        })) {
            QmpClient client = server.connect();
            CompletableFuture<QmpEvent> later = inBackground(() -> client.awaitEvent("LATER", Duration.ofSeconds(10)));
            go.countDown();

            QmpEvent event = later.get(10, TimeUnit.SECONDS);
            assertEquals(1, event.data().path("seq").asInt());
            assertEquals(1_700_000_000L, event.timestamp().getEpochSecond());
            assertEquals(250_000, event.timestamp().getNano());
            ClientThreads.assertEnded(client);
            assertEquals("OTHER", client.awaitEvent("OTHER", SHORT).name(), "buffered before the close");
            QmpConnectionClosedException e = assertThrows(QmpConnectionClosedException.class,
                    () -> client.awaitEvent("NEVER", Duration.ofSeconds(10)));
            assertTrue(e.getMessage().contains("event NEVER"), e::getMessage);
            client.close();
        }
    }

    @Test
    void aFailingListenerDoesNotStopTheOthersOrTheReplies() throws Exception {
        try (FakeQmpServer server = FakeQmpServer.start(dir, peer -> {
            peer.handshake();
            JsonNode command = peer.readCommand();
            peer.event("PING", 1);
            peer.reply(command, "{}");
            peer.awaitHangUp();
        }); QmpClient client = server.connect()) {
            List<String> heard = Collections.synchronizedList(new ArrayList<>());
            client.addEventListener(event -> {
                throw new IllegalStateException("listener bug");
            });
            client.addEventListener(event -> heard.add(event.name()));

            client.execute("ping", Map.of());

            ClientThreads.awaitTrue(() -> !heard.isEmpty(), "the second listener heard the event");
            assertEquals(List.of("PING"), heard);
            assertTrue(client.isOpen());
        }
    }
}
