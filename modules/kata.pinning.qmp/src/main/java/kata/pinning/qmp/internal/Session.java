package kata.pinning.qmp.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.NANOSECONDS;

import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import kata.pinning.qmp.QmpCommandException;
import kata.pinning.qmp.QmpConnectionClosedException;
import kata.pinning.qmp.QmpEvent;
import kata.pinning.qmp.QmpException;
import kata.pinning.qmp.QmpGreeting;
import kata.pinning.qmp.QmpProtocolException;
import kata.pinning.qmp.QmpTimeoutException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One QMP connection: a reader thread that routes each incoming line (events to the
 * {@link EventHub}, replies to the caller waiting for that id), a writer thread that sends queued
 * commands, and the table of commands waiting for replies.
 *
 * <p>Callers never touch the socket: they queue a request and wait on a future. So interrupting a
 * caller (as structured concurrency does to cancel) only ends its wait, where a write on an
 * interruptible channel would close the channel for every caller. Any failure of the stream (EOF,
 * protocol error, a command's timeout) moves the session to {@link State#CLOSED} once, closes the
 * socket, and fails every waiter.
 */
public final class Session implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("kata.pinning.qmp");
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);
    private static final long MAX_CONNECT_PAUSE_NANOS = Duration.ofMillis(200).toNanos();
    private static final byte[] STOP_WRITER = new byte[0];

    private enum State { AWAITING_GREETING, NEGOTIATING, RUNNING, CLOSED }

    private final SocketChannel channel;
    private final String peer;
    private final LineReader lines;
    private final EventHub events;
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>(); // by command id
    private final BlockingQueue<byte[]> outbox = new LinkedBlockingQueue<>(); // at most one entry per waiting caller
    private final CompletableFuture<JsonNode> greeting = new CompletableFuture<>();
    private final ReentrantLock stateLock = new ReentrantLock();
    private volatile State state = State.AWAITING_GREETING;
    private volatile Throwable closeReason; // written before state becomes CLOSED
    private final Thread reader;
    private final Thread writer;

    private Session(SocketChannel channel, String peer, int maxLineBytes, int eventCapacity) {
        this.channel = channel;
        this.peer = peer;
        this.lines = new LineReader(channel, maxLineBytes);
        this.events = new EventHub(eventCapacity);
        // Platform daemon threads: they live as long as the VM's connection, never keep the JVM
        // alive, and show up by name in an ordinary thread dump.
        this.reader = Thread.ofPlatform().daemon().name("qmp-reader " + peer).unstarted(this::readLoop);
        this.writer = Thread.ofPlatform().daemon().name("qmp-writer " + peer).unstarted(this::writeLoop);
    }

    /**
     * Connects to a UNIX socket, retrying while the socket file is missing or refuses connections
     * (QEMU may not have created or opened it yet), until the deadline.
     *
     * @param socket   the socket's path
     * @param deadline a {@link System#nanoTime()} value
     * @param timeout  the whole time allowed, for messages
     * @return the connected channel, in blocking mode
     * @throws QmpTimeoutException if the deadline passes first; its cause is the last failure
     * @throws QmpException        if the socket exists but cannot be connected to for another reason
     *                             (such as permissions), or the thread is interrupted
     */
    public static SocketChannel connect(Path socket, long deadline, Duration timeout) throws QmpException {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
        long pause = Duration.ofMillis(10).toNanos();
        while (true) {
            try {
                return SocketChannel.open(address);
            } catch (IOException e) {
                if (!(e instanceof ConnectException) && Files.exists(socket)) {
                    throw new QmpException("cannot connect to QMP socket " + socket + ": " + e.getMessage(), e);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new QmpTimeoutException("cannot connect to QMP socket " + socket + " within " + timeout
                            + ": " + e.getMessage(), timeout, e);
                }
                try {
                    NANOSECONDS.sleep(Math.min(pause, left));
                } catch (InterruptedException interrupt) {
                    Thread.currentThread().interrupt();
                    throw new QmpException("interrupted while connecting to QMP socket " + socket, interrupt);
                }
                pause = Math.min(pause * 2, MAX_CONNECT_PAUSE_NANOS);
            }
        }
    }

    /**
     * Starts the reader and writer threads on a connected channel.
     *
     * @param channel       a connected, blocking channel; the session owns and closes it
     * @param peer          names the peer in messages and thread names, usually the socket path
     * @param maxLineBytes  the largest message accepted
     * @param eventCapacity how many events the buffer keeps
     * @return the session, waiting for QEMU's greeting
     */
    public static Session start(SocketChannel channel, String peer, int maxLineBytes, int eventCapacity) {
        Session session = new Session(channel, peer, maxLineBytes, eventCapacity);
        session.reader.start();
        session.writer.start();
        return session;
    }

    /**
     * Waits for the greeting, checks it, then enables the protocol with {@code qmp_capabilities}.
     * Closes the session on any failure.
     *
     * @param deadline a {@link System#nanoTime()} value for both steps
     * @param timeout  the whole time allowed, for messages
     * @return the greeting
     * @throws QmpTimeoutException          if either step misses the deadline
     * @throws QmpProtocolException         if the peer's first message is not a well-formed greeting
     * @throws QmpConnectionClosedException if the peer closed the connection
     * @throws QmpCommandException          if QEMU refused {@code qmp_capabilities}
     */
    public QmpGreeting handshake(long deadline, Duration timeout) throws QmpException {
        try {
            QmpGreeting greeting = Json.greeting(awaitGreeting(deadline, timeout));
            try {
                execute("qmp_capabilities", null, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (QmpTimeoutException e) {
                throw new QmpTimeoutException("no reply to 'qmp_capabilities' from " + peer + " within the connect timeout of "
                        + timeout, timeout);
            }
            advance(State.NEGOTIATING, State.RUNNING);
            return greeting;
        } catch (QmpException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private JsonNode awaitGreeting(long deadline, Duration timeout) throws QmpException {
        try {
            return greeting.get(Math.max(0, deadline - System.nanoTime()), NANOSECONDS);
        } catch (TimeoutException e) {
            QmpTimeoutException late = new QmpTimeoutException("no QMP greeting from " + peer + " within " + timeout, timeout);
            shutdown(late);
            throw late;
        } catch (ExecutionException e) {
            if (closeReason instanceof QmpProtocolException bad) { // the greeting was the only thing in flight
                throw new QmpProtocolException(bad.getMessage(), bad);
            }
            throw closed(null, "the QMP greeting");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException("interrupted while waiting for the QMP greeting from " + peer, e);
        }
    }

    /**
     * Sends a command and waits for its reply.
     *
     * @param command   the command name
     * @param arguments the {@code arguments} object, or {@code null} for none
     * @param timeout   how long to wait for the reply; when it passes, the session closes
     * @return the reply's {@code return} value
     * @throws QmpCommandException          if QEMU answered with an error
     * @throws QmpTimeoutException          if no reply came in time
     * @throws QmpConnectionClosedException if the session is or becomes closed first
     * @throws QmpException                 if the thread is interrupted while waiting
     */
    public JsonNode execute(String command, ObjectNode arguments, Duration timeout) throws QmpException {
        State now = state;
        if (now == State.CLOSED) {
            throw closed(command, null);
        }
        if (now == State.AWAITING_GREETING) {
            throw new IllegalStateException("QMP session with " + peer + " has no greeting yet");
        }
        ObjectNode request = Json.MAPPER.createObjectNode().put("execute", command);
        if (arguments != null) {
            request.set("arguments", arguments);
        }
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        long id = register(reply);
        // QEMU's monitor reads a command one byte per main-loop iteration, so every byte counts:
        // compact JSON, a small bare number as id, and no line end after the object. Without the
        // line end, QEMU also exits after 'quit' with nothing unread, so the reader sees a plain end
        // of stream instead of a connection reset.
        byte[] bytes = Json.MAPPER.writeValueAsBytes(request.put("id", id));
        boolean abandoned = false;
        try {
            if (state == State.CLOSED) { // shutdown() may have drained the table before our entry
                throw closed(command, null);
            }
            outbox.add(bytes);
            return returnValue(command, awaitReply(command, reply, timeout));
        } catch (InterruptedException e) {
            // Until its reply arrives the id stays taken, so the late reply cannot reach a later
            // command that reuses it; the reader removes the entry and drops the reply.
            abandoned = reply.cancel(false);
            Thread.currentThread().interrupt();
            throw new QmpException("interrupted while waiting for the reply to '" + command + "'; its reply will be dropped", e);
        } finally {
            if (!abandoned) {
                pending.remove(id, reply);
            }
        }
    }

    /**
     * Puts a waiter in the table under the smallest id not in it. An id is free again once the
     * reader has taken the reply to its command, since QEMU sends one reply per command: ids stay
     * as short as the number of commands in flight allows, however long the connection lives.
     */
    private long register(CompletableFuture<JsonNode> reply) {
        long id = 0;
        while (pending.putIfAbsent(id, reply) != null) {
            id++;
        }
        return id;
    }

    /**
     * Waits for the reply until the timeout, on the caller's own thread: no timer task per command.
     * The wait does not depend on the writer, so it ends even while the writer is stuck on a peer
     * that stopped reading; closing the session then unblocks the writer.
     */
    private JsonNode awaitReply(String command, CompletableFuture<JsonNode> reply, Duration timeout)
            throws QmpException, InterruptedException {
        try {
            return reply.get(timeout.toNanos(), NANOSECONDS);
        } catch (TimeoutException e) {
            // The late reply could come at any time, and a peer that stopped answering is not
            // trusted with more commands: close, which releases every other waiter.
            shutdown(new QmpTimeoutException("no reply to '" + command + "' from " + peer + " within " + timeout, timeout));
            throw new QmpTimeoutException("no reply to '" + command + "' from " + peer + " within " + timeout
                    + "; the QMP connection is closed", timeout);
        } catch (ExecutionException e) {
            throw closed(command, null);
        }
    }

    private static JsonNode returnValue(String command, JsonNode reply) throws QmpCommandException {
        JsonNode error = reply.get("error");
        if (error != null) {
            throw new QmpCommandException(command, error.get("class").stringValue(), error.get("desc").stringValue());
        }
        return reply.get("return");
    }

    /** Runs on the reader thread until the stream ends or fails, then closes the session. */
    private void readLoop() {
        Throwable reason;
        try {
            byte[] line;
            while ((line = lines.readLine()) != null) {
                route(line);
            }
            reason = new EOFException("QMP peer " + peer + " closed the connection");
        } catch (IOException | RuntimeException | Error e) { // whatever happens, no waiter is left behind
            reason = e;
        }
        shutdown(reason);
        if (reason instanceof Error error) {
            throw error;
        }
    }

    private void route(byte[] line) throws QmpProtocolException {
        LOG.log(Level.DEBUG, () -> "<-- " + peer + " " + new String(line, UTF_8));
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(line);
        } catch (JacksonException e) {
            throw new QmpProtocolException("malformed JSON from " + peer + " (" + e.getOriginalMessage() + "): "
                    + Json.excerpt(line, line.length), e);
        }
        if (message == null || message.isMissingNode()) {
            return; // a blank line
        }
        if (!message.isObject()) {
            throw protocolError("a message that is not a JSON object", line);
        }
        if (message.has("event")) {
            events.publish(event(message, line));
        } else if (state == State.AWAITING_GREETING) {
            if (!message.path("QMP").isObject()) {
                throw protocolError("something other than the QMP greeting first", line);
            }
            advance(State.AWAITING_GREETING, State.NEGOTIATING);
            greeting.complete(message.get("QMP"));
        } else {
            deliver(message, line);
        }
    }

    private QmpEvent event(JsonNode message, byte[] line) throws QmpProtocolException {
        JsonNode name = message.get("event");
        JsonNode data = message.path("data");
        if (!name.isString() || name.stringValue().isBlank() || !(data.isObject() || data.isMissingNode())) {
            throw protocolError("a malformed event", line);
        }
        return new QmpEvent(name.stringValue(), data.isObject() ? data : Json.MAPPER.createObjectNode(),
                Json.instant(message.path("timestamp")));
    }

    private void deliver(JsonNode reply, byte[] line) throws QmpProtocolException {
        JsonNode error = reply.get("error");
        if (!reply.has("return") && error == null) {
            throw protocolError("a message that is neither a reply nor an event", line);
        }
        if (error != null && !(error.path("class").isString() && error.path("desc").isString())) {
            throw protocolError("an error reply without class and desc", line);
        }
        JsonNode id = reply.get("id");
        if (id == null) {
            // We put an id on every command; QEMU leaves it out only when it could not parse one.
            throw protocolError("a reply without id", line);
        }
        // Our ids are small non-negative integers; any other id is nobody's.
        CompletableFuture<JsonNode> waiter = id.isIntegralNumber() && id.canConvertToLong() ? pending.remove(id.longValue()) : null;
        if (waiter == null) {
            LOG.log(Level.WARNING, "dropping QMP reply from {0} with unknown id {1}", peer, id);
        } else if (!waiter.complete(reply)) {
            LOG.log(Level.WARNING, "dropping QMP reply from {0} with id {1}: its caller gave up", peer, id);
        }
    }

    private QmpProtocolException protocolError(String what, byte[] line) {
        return new QmpProtocolException("QMP peer " + peer + " sent " + what + ": " + Json.excerpt(line, line.length));
    }

    /** Runs on the writer thread: sends queued requests in order until the session closes. */
    private void writeLoop() {
        try {
            for (byte[] request = outbox.take(); request != STOP_WRITER; request = outbox.take()) {
                byte[] sent = request;
                LOG.log(Level.DEBUG, () -> "--> " + peer + " " + new String(sent, UTF_8));
                ByteBuffer buffer = ByteBuffer.wrap(request);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        } catch (IOException e) {
            shutdown(e);
        } catch (InterruptedException e) {
            shutdown(e); // nobody else interrupts this thread; treat it as a request to stop
        }
    }

    private void advance(State from, State to) {
        stateLock.lock();
        try {
            if (state == from) {
                state = to;
            }
        } finally {
            stateLock.unlock();
        }
    }

    /** Closes the session once, for a reason ({@code null}: on purpose), and releases every waiter. */
    private void shutdown(Throwable reason) {
        stateLock.lock();
        try {
            if (state == State.CLOSED) {
                return;
            }
            closeReason = reason;
            state = State.CLOSED;
        } finally {
            stateLock.unlock();
        }
        logClose(reason);
        try {
            channel.close(); // also wakes the reader, and the writer if a write is blocked
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing QMP socket " + peer, e);
        }
        outbox.clear();
        outbox.add(STOP_WRITER);
        Throwable failure = reason != null ? reason : new ClosedChannelException();
        greeting.completeExceptionally(failure);
        pending.values().forEach(waiter -> waiter.completeExceptionally(failure));
        events.close();
    }

    private void logClose(Throwable reason) {
        if (reason == null) {
            LOG.log(Level.DEBUG, "QMP connection to {0} closed", peer);
        } else if (reason instanceof EOFException && pending.isEmpty()) {
            LOG.log(Level.DEBUG, "QMP connection to {0} ended: {1}", peer, reason.getMessage());
        } else if (reason instanceof IOException) {
            LOG.log(Level.WARNING, "QMP connection to " + peer + " failed; closing it", reason);
        } else {
            LOG.log(Level.ERROR, "QMP session with " + peer + " broke; closing it", reason);
        }
    }

    /**
     * Makes the exception for an operation that cannot complete because the session is closed.
     *
     * @param command  the command in flight, or {@code null}
     * @param activity what was awaited when no command was, such as {@code event SHUTDOWN}
     * @return the exception, with the reason the session closed as its cause
     */
    private QmpConnectionClosedException closed(String command, String activity) {
        Throwable why = closeReason;
        String what = command != null ? "running '" + command + "'" : "waiting for " + activity;
        return new QmpConnectionClosedException("QMP connection to " + peer + " is closed; stopped " + what
                + (why == null ? " (closed by the client)" : ": " + why.getMessage()), command, why);
    }

    /**
     * Registers a listener, called on the reader thread for every later event.
     *
     * @param listener the listener
     */
    public void addEventListener(Consumer<QmpEvent> listener) {
        events.addListener(listener);
    }

    /**
     * Unregisters a listener.
     *
     * @param listener the listener
     * @return whether it was registered
     */
    public boolean removeEventListener(Consumer<QmpEvent> listener) {
        return events.removeListener(listener);
    }

    /**
     * Takes the oldest buffered event with this name, waiting for one until the timeout.
     *
     * @param name    the event name
     * @param timeout how long to wait
     * @return the event
     * @throws QmpTimeoutException          if none came in time; the session stays open
     * @throws QmpConnectionClosedException if the session closed and no such event is buffered
     * @throws QmpException                 if the thread is interrupted
     */
    public QmpEvent awaitEvent(String name, Duration timeout) throws QmpException {
        return events.await(name, timeout, activity -> closed(null, activity));
    }

    /** {@return whether the session can still run commands} */
    public boolean isOpen() {
        return state != State.CLOSED;
    }

    /** Closes the session and waits briefly for its threads to end. Idempotent. */
    @Override
    public void close() {
        shutdown(null);
        join(reader);
        join(writer);
    }

    private static void join(Thread thread) {
        if (thread == Thread.currentThread()) {
            return; // a listener closing the client from the reader thread
        }
        try {
            if (!thread.join(JOIN_TIMEOUT)) {
                LOG.log(Level.WARNING, "{0} did not end within {1}", thread.getName(), JOIN_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
