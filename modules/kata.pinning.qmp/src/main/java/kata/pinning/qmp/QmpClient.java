package kata.pinning.qmp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import kata.pinning.qmp.internal.Command;
import kata.pinning.qmp.internal.Connector;
import kata.pinning.qmp.internal.CpuListDecoder;
import kata.pinning.qmp.internal.Json;
import kata.pinning.qmp.internal.ReplyDecoder;
import kata.pinning.qmp.internal.Session;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A client for the QEMU Machine Protocol over a UNIX domain socket, meant to stay open for the
 * life of a VM.
 *
 * <pre>{@code
 * try (QmpClient qmp = QmpClient.connect(Path.of("/run/vm/qmp.sock"), Duration.ofSeconds(5))) {
 *     for (CpuInfoFast cpu : qmp.queryCpusFast()) {
 *         System.out.println("vCPU " + cpu.cpuIndex() + " runs on host thread " + cpu.threadId());
 *     }
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Any number of threads, platform or virtual, may call one client at once.
 * The client has no threads of its own for commands: a caller writes its command itself, and one
 * waiting caller at a time reads the socket, handing each reply to the caller that sent its
 * {@code id} and each event to the listeners, until its own reply comes. Events, which QEMU
 * interleaves with replies, never count as replies. An idle client holds no thread at all, so many
 * clients fit in one JVM. Interrupting a caller ends only its own wait.
 *
 * <p><b>Timeouts and failures.</b> Every command has a deadline ({@link #DEFAULT_TIMEOUT} unless
 * given). A command whose deadline passes fails alone with a {@link QmpTimeoutException}: the
 * connection stays open, and the late reply is dropped when it comes. When the peer sends something
 * that breaks the protocol, or closes the socket, the client closes the connection and releases
 * every waiting caller: see {@link QmpProtocolException} and {@link QmpConnectionClosedException}.
 * An error reply from QEMU is a {@link QmpCommandException} and leaves the connection open. No
 * message may exceed {@link #MAX_LINE_BYTES}.
 *
 * <p><b>Events</b> go to listeners, called one event at a time in arrival order on a virtual
 * thread of the client's own, never on the thread that reads; and into a buffer of the newest
 * {@link #EVENT_BUFFER_CAPACITY} events, from which {@link #awaitEvent} takes them. While
 * listeners are registered or {@code awaitEvent} waits, and no command is in flight, a virtual
 * thread reads the socket.
 *
 * <p>Logs go to the {@link System.Logger} named {@code kata.pinning.qmp}: every message sent and
 * received at DEBUG, failures at WARNING.
 *
 * @since 0.1
 */
public final class QmpClient implements AutoCloseable {

    /** The time limit of commands called without one: 10 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * The largest message accepted from QEMU, 1 MiB, without its line end. QEMU's replies for a VM
     * with hundreds of vCPUs stay far below it; a peer that sends more is cut off rather than
     * making the client allocate without bound.
     */
    public static final int MAX_LINE_BYTES = 1024 * 1024;

    /** How many unclaimed events the client keeps for {@link #awaitEvent}; older ones are dropped. */
    public static final int EVENT_BUFFER_CAPACITY = 256;

    private static final Command QUERY_CPUS_FAST = Command.of("query-cpus-fast", null);
    private static final Command QUERY_CPUS = Command.of("query-cpus", null);
    private static final Command QUERY_HOTPLUGGABLE_CPUS = Command.of("query-hotpluggable-cpus", null);
    private static final Command QUERY_STATUS = Command.of("query-status", null);
    private static final ReplyDecoder<List<HotpluggableCpu>> HOTPLUGGABLE_LIST =
            ReplyDecoder.binding(new TypeReference<List<HotpluggableCpu>>() { });
    private static final ReplyDecoder<QmpStatus> STATUS = ReplyDecoder.binding(new TypeReference<QmpStatus>() { });

    private final Session session;
    private final Path socket;
    private final QmpGreeting greeting;
    private volatile boolean lacksQueryCpusFast; // learnt once per connection

    private QmpClient(Session session, Path socket, QmpGreeting greeting) {
        this.session = session;
        this.socket = socket;
        this.greeting = greeting;
    }

    /**
     * Connects to QEMU's QMP socket, reads the greeting and enables commands
     * ({@code qmp_capabilities}). While the socket file is missing or refuses connections, it
     * retries until the timeout, since QEMU may not have created it yet.
     *
     * @param socket         the path of the QMP socket ({@code -qmp unix:PATH,server=on,wait=off})
     * @param connectTimeout the time allowed for connecting, the greeting and {@code qmp_capabilities} together
     * @return a connected client; close it when done
     * @throws QmpTimeoutException          if that does not finish in time; after failed connection
     *                                      attempts its cause is the last one's error. When the socket
     *                                      accepts the connection but no greeting comes, the message
     *                                      says that another client probably holds the socket (QEMU
     *                                      serves one at a time) and what to use instead
     * @throws QmpProtocolException         if the peer's first message is not a well-formed greeting
     * @throws QmpConnectionClosedException if the peer closed the connection during the handshake
     * @throws QmpException                 if the socket exists but refuses us for another reason
     *                                      (such as permissions), or the thread is interrupted
     * @throws IllegalArgumentException     if {@code connectTimeout} is not positive
     */
    public static QmpClient connect(Path socket, Duration connectTimeout) throws QmpException {
        Objects.requireNonNull(socket, "socket");
        requirePositive(connectTimeout, "connectTimeout");
        Connector.Opened opened = Connector.open(socket, connectTimeout, MAX_LINE_BYTES, EVENT_BUFFER_CAPACITY);
        return new QmpClient(opened.session(), socket, opened.greeting());
    }

    /** {@return the path of the QMP socket this client connected to} */
    public Path socket() {
        return socket;
    }

    /** {@return what QEMU announced when this connection opened} */
    public QmpGreeting greeting() {
        return greeting;
    }

    /**
     * Lists the vCPUs with their host threads ({@code query-cpus-fast}), in QEMU's order, which is
     * by {@link CpuInfoFast#cpuIndex()}.
     *
     * @return an unmodifiable list, one entry per plugged vCPU
     * @throws QmpProtocolException if the result lacks a required field; the connection stays open
     * @throws QmpException         as {@link #execute(String, Map, Duration)}
     */
    public List<CpuInfoFast> queryCpusFast() throws QmpException {
        return session.call(QUERY_CPUS_FAST, CpuListDecoder.FAST, DEFAULT_TIMEOUT);
    }

    /**
     * Lists the vCPUs with their host threads on any QEMU: {@code query-cpus-fast}, or, where QEMU
     * answers that with {@code CommandNotFound} (QEMU before 2.12, StratoVirt), {@code query-cpus}.
     * The answer is remembered for the connection, so the fallback costs one extra command once.
     * From {@code query-cpus}, {@link CpuInfoFast#target()} is its {@code arch}, such as {@code x86}.
     *
     * @return an unmodifiable list, one entry per plugged vCPU, in QEMU's order
     * @throws QmpProtocolException if the result lacks a required field; the connection stays open
     * @throws QmpException         as {@link #execute(String, Map, Duration)}
     */
    public List<CpuInfoFast> queryVcpus() throws QmpException {
        if (!lacksQueryCpusFast) {
            try {
                return queryCpusFast();
            } catch (QmpCommandException e) {
                if (!e.errorClass().equals("CommandNotFound")) {
                    throw e;
                }
                lacksQueryCpusFast = true;
            }
        }
        return session.call(QUERY_CPUS, CpuListDecoder.LEGACY, DEFAULT_TIMEOUT);
    }

    /**
     * Lists the vCPU slots, plugged and free ({@code query-hotpluggable-cpus}), in QEMU's order.
     * It needs {@code -smp N,maxcpus=M}; without it QEMU answers with an error.
     *
     * @return an unmodifiable list, one entry per slot
     * @throws QmpProtocolException if the result lacks a required field; the connection stays open
     * @throws QmpException         as {@link #execute(String, Map, Duration)}
     */
    public List<HotpluggableCpu> queryHotpluggableCpus() throws QmpException {
        return List.copyOf(session.call(QUERY_HOTPLUGGABLE_CPUS, HOTPLUGGABLE_LIST, DEFAULT_TIMEOUT));
    }

    /**
     * Reads the VM's run state ({@code query-status}).
     *
     * @return the status
     * @throws QmpProtocolException if the result lacks a required field; the connection stays open
     * @throws QmpException         as {@link #execute(String, Map, Duration)}
     */
    public QmpStatus queryStatus() throws QmpException {
        return session.call(QUERY_STATUS, STATUS, DEFAULT_TIMEOUT);
    }

    /**
     * Runs a command with the {@link #DEFAULT_TIMEOUT}.
     *
     * @param command   the command, such as {@code device_add}
     * @param arguments its arguments, encoded with Jackson; empty for none
     * @return the reply's {@code return} value, often an empty object
     * @throws QmpException as {@link #execute(String, Map, Duration)}
     */
    public JsonNode execute(String command, Map<String, ?> arguments) throws QmpException {
        return execute(command, arguments, DEFAULT_TIMEOUT);
    }

    /**
     * Runs a command and waits for its reply.
     *
     * @param command   the command, such as {@code device_add}
     * @param arguments its arguments, encoded with Jackson; empty for none
     * @param timeout   how long to wait for the reply
     * @return the reply's {@code return} value, often an empty object
     * @throws QmpCommandException          if QEMU answered with an error; the connection stays open
     * @throws QmpTimeoutException          if no reply came in time; the connection stays open, and
     *                                      the command's late reply is dropped when it comes
     * @throws QmpConnectionClosedException if the connection is closed or closes while waiting;
     *                                      its cause says why
     * @throws QmpException                 if the calling thread is interrupted while waiting; its
     *                                      interrupt status is set again, the connection stays open,
     *                                      and the late reply is dropped
     * @throws IllegalArgumentException     if {@code command} is blank, {@code timeout} is not
     *                                      positive, or Jackson cannot encode {@code arguments}
     */
    public JsonNode execute(String command, Map<String, ?> arguments, Duration timeout) throws QmpException {
        if (command.isBlank()) {
            throw new IllegalArgumentException("QMP command name must not be blank");
        }
        Objects.requireNonNull(arguments, "arguments");
        requirePositive(timeout, "timeout");
        ObjectNode encoded;
        try {
            encoded = arguments.isEmpty() ? null : Json.MAPPER.valueToTree(arguments);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot encode the arguments of '" + command + "' as JSON: "
                    + e.getOriginalMessage(), e);
        }
        return session.call(Command.of(command, encoded), ReplyDecoder.TREE, timeout);
    }

    /**
     * Registers a listener for every event that arrives from now on. Listeners run on the client's
     * listener thread (a virtual thread), one event after another in arrival order, never on the
     * thread that reads: a slow listener delays later events, not replies, and a listener may call
     * this client. An exception from a listener is logged and does not reach the others.
     *
     * @param listener called once per event
     */
    public void addEventListener(Consumer<QmpEvent> listener) {
        session.addEventListener(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Unregisters a listener.
     *
     * @param listener a listener given to {@link #addEventListener}
     * @return whether it was registered
     */
    public boolean removeEventListener(Consumer<QmpEvent> listener) {
        return session.removeEventListener(listener);
    }

    /**
     * Takes the oldest buffered event with this name, waiting up to {@code timeout} for one to
     * arrive. Events that arrived before the call count, so an event QEMU sends before the reply
     * that causes it (such as {@code SHUTDOWN} before the reply to {@code quit}) is not missed.
     * Events buffered before the connection closed can still be taken after it closed.
     *
     * @param name    the event name, such as {@code SHUTDOWN}
     * @param timeout how long to wait
     * @return the event, now removed from the buffer
     * @throws QmpTimeoutException          if none arrived in time; unlike a command's timeout,
     *                                      this leaves the connection open
     * @throws QmpConnectionClosedException if the connection closed and no such event is buffered
     * @throws QmpException                 if the thread is interrupted while waiting
     * @throws IllegalArgumentException     if {@code name} is blank or {@code timeout} is not positive
     */
    public QmpEvent awaitEvent(String name, Duration timeout) throws QmpException {
        if (name.isBlank()) {
            throw new IllegalArgumentException("event name must not be blank");
        }
        requirePositive(timeout, "timeout");
        return session.awaitEvent(name, timeout);
    }

    /**
     * {@return whether the connection is open; once closed it stays closed} When nobody reads the
     * socket just then, it first takes in what has arrived, so a peer that hung up is noticed.
     */
    public boolean isOpen() {
        return session.isOpen();
    }

    /** {@return the threads the client runs now (event reader, listener thread); for tests} */
    List<Thread> threads() {
        return session.threads();
    }

    /**
     * Closes the connection, releasing every waiting caller with a
     * {@link QmpConnectionClosedException}, and waits briefly for the client's event reader and
     * listener thread to end, if they run.
     * QEMU keeps running. Calling it again does nothing.
     */
    @Override
    public void close() {
        session.close();
    }

    @Override
    public String toString() {
        return "QmpClient[" + socket + ", QEMU " + greeting.version() + (session.isClosed() ? ", closed" : "") + "]";
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + duration);
        }
    }
}
