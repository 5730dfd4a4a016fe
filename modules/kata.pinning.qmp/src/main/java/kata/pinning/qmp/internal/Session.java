package kata.pinning.qmp.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import kata.pinning.qmp.QmpCommandException;
import kata.pinning.qmp.QmpConnectionClosedException;
import kata.pinning.qmp.QmpEvent;
import kata.pinning.qmp.QmpException;
import kata.pinning.qmp.QmpProtocolException;
import kata.pinning.qmp.QmpTimeoutException;

/**
 * One QMP connection, run by the threads that call it (leader/follower).
 *
 * <p>A caller writes its command itself, then waits for its reply. The caller that holds the
 * {@link ReadTurn} reads and routes every message (replies to their callers, events to the
 * {@link EventHub}) until its own reply arrives, then gives the turn to the next caller in line.
 * With one caller at a time, which is the usual case, a command costs no thread hand-off: the
 * thread that sent it reads its reply. When nobody waits but events are wanted (a listener, or
 * {@link #awaitEvent}), a virtual thread reads them, and gives way to the next caller.
 *
 * <p>A caller whose time runs out, or who is interrupted, gives up alone: its id stays taken until
 * the late reply arrives and is dropped, and the session stays open. If its reply came first, it
 * takes the reply, and an interrupt stays set. Only a protocol error, a failing socket or the end
 * of the stream closes the session, and that fails every waiter.
 */
public final class Session implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("kata.pinning.qmp");
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);
    private static final Exception CLOSED = new ClosedChannelException(); // a slot's failure: the session closed

    private final String peer;
    private final Wire wire;
    private final ReplyTable table = new ReplyTable();
    private final EventHub events;
    private final Router router;
    private final MessagePump pump;
    private final ReadTurn turn;
    private final SessionEnd end;
    private volatile Thread eventReader;

    /**
     * Takes over a connected channel; no thread starts until events are wanted.
     *
     * @param channel       a connected channel; the session owns and closes it
     * @param peer          names the peer in messages and thread names, usually the socket path
     * @param maxLineBytes  the largest message accepted
     * @param eventCapacity how many events the buffer keeps
     * @throws IOException if the channel cannot be set up for non-blocking use
     */
    public Session(SocketChannel channel, String peer, int maxLineBytes, int eventCapacity) throws IOException {
        this.peer = peer;
        this.end = new SessionEnd(peer);
        this.wire = new Wire(channel, peer, maxLineBytes);
        this.turn = new ReadTurn(new TurnHost());
        this.events = new EventHub(eventCapacity, "qmp-listeners " + peer, turn::offerToEventReader,
                turn::eventsMayBeUnwanted);
        this.router = new Router(peer, table, events);
        this.pump = new MessagePump(wire, router, this::shutdown);
    }

    String peer() {
        return peer;
    }

    Wire wire() {
        return wire;
    }

    Router router() {
        return router;
    }

    /**
     * Sends a command and waits for its reply on the calling thread.
     *
     * @param command the command, encoded without id
     * @param decoder reads the reply's {@code return} value
     * @param timeout how long to wait for the reply
     * @return the decoded result
     * @throws QmpCommandException          if QEMU answered with an error
     * @throws QmpProtocolException         if the result does not fit the decoder; the session stays open
     * @throws QmpTimeoutException          if no reply came in time; the session stays open
     * @throws QmpConnectionClosedException if the session is or becomes closed first
     * @throws QmpException                 if the thread is interrupted while waiting
     */
    public <T> T call(Command command, ReplyDecoder<T> decoder, Duration timeout) throws QmpException {
        if (end.isClosed()) {
            throw closed(command.name(), null);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Slot<T> slot = table.register(command.name(), decoder);
        byte[] bytes = command.withId(slot.id);
        LOG.log(Level.DEBUG, () -> "--> " + peer + " " + new String(bytes, UTF_8));
        boolean sent;
        try {
            sent = wire.write(bytes, deadline);
        } catch (IOException e) {
            shutdown(e);
            sent = true;
        }
        if (!sent) {
            table.remove(slot);
            throw timedOut(command.name(), timeout, "the peer did not take the command");
        }
        return await(slot, deadline, timeout);
    }

    private <T> T await(Slot<T> slot, long deadline, Duration timeout) throws QmpException {
        try {
            while (true) {
                Slot.Outcome<T> outcome = slot.outcome();
                if (outcome != null) {
                    return take(slot, outcome);
                }
                if (Thread.currentThread().isInterrupted()) {
                    if (slot.abandon()) {
                        throw new QmpException("interrupted while waiting for the reply to '" + slot.command
                                + "'; its reply will be dropped", new InterruptedException());
                    }
                } else if (deadline - System.nanoTime() <= 0) {
                    if (slot.abandon()) {
                        throw timedOut(slot.command, timeout, "its reply will be dropped");
                    }
                } else {
                    switch (turn.take(slot)) {
                        case READ -> pump.untilSettled(slot, deadline);
                        case WAIT -> LockSupport.parkNanos(this, deadline - System.nanoTime()); // the deadline, no more
                        case CLOSED -> slot.fail(CLOSED);
                    }
                }
            }
        } finally {
            turn.forget(slot); // passes the turn on if this caller holds it
        }
    }

    private <T> T take(Slot<T> slot, Slot.Outcome<T> outcome) throws QmpException {
        if (outcome.failure() == null) {
            return outcome.value();
        }
        if (outcome.failure() instanceof QmpException e) {
            throw e;
        }
        throw closed(slot.command, null);
    }

    /** Runs on the event reader: reads while it holds the turn, events are wanted and no caller waits. */
    private void readEvents() {
        try {
            pump.whileTrue(turn::eventReaderGoesOn, "QMP event reader for " + peer);
        } finally {
            turn.leave();
        }
    }

    /** What the turn needs from this session. */
    private final class TurnHost implements ReadTurn.Session {
        @Override
        public boolean eventsWanted() {
            return events.wantsEvents();
        }

        @Override
        public Thread newEventReader() {
            Thread reader = Thread.ofVirtual().name("qmp-events " + peer).unstarted(Session.this::readEvents);
            eventReader = reader;
            return reader;
        }

        @Override
        public void nudgeReader() {
            wire.wakeUp();
        }

        @Override
        public void failRemaining() {
            table.failAll(CLOSED);
        }
    }

    /**
     * Reads what has arrived without waiting, when nobody else reads, so that the end of the stream
     * is noticed; then tells whether the session is open.
     *
     * @return whether the session can still run commands
     */
    public boolean isOpen() {
        if (!end.isClosed() && turn.takeIfFree()) {
            try {
                pump.whatHasArrived();
            } finally {
                turn.leave();
            }
        }
        return !end.isClosed();
    }

    /** {@return whether the session has closed; does no I/O} */
    public boolean isClosed() {
        return end.isClosed();
    }

    /** Closes the session once, for a reason ({@code null}: on purpose), and releases every waiter. */
    void shutdown(Throwable reason) {
        if (!end.close(reason, table.isEmpty())) {
            return;
        }
        boolean nobodyReads = turn.close();
        try {
            wire.close(); // also wakes a reader waiting for data
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing QMP socket " + peer, e);
        }
        if (nobodyReads) {
            table.failAll(CLOSED); // else the reader does, once it has routed what it read
        }
        events.close();
    }

    private QmpTimeoutException timedOut(String command, Duration timeout, String consequence) {
        return new QmpTimeoutException("no reply to '" + command + "' from " + peer + " within " + timeout
                + "; " + consequence + ", and the QMP connection stays open", timeout);
    }

    /** {@return the exception for an operation stopped by the close, as {@link SessionEnd#error}} */
    QmpConnectionClosedException closed(String command, String activity) {
        return end.error(command, activity);
    }

    /**
     * Registers a listener, called on the session's listener thread for every later event.
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
        boolean removed = events.removeListener(listener);
        turn.eventsMayBeUnwanted();
        return removed;
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

    /** {@return the threads the session runs now: the event reader and the listener thread, when alive} */
    public List<Thread> threads() {
        List<Thread> alive = new ArrayList<>(2);
        Thread reader = eventReader;
        if (reader != null && reader.isAlive()) {
            alive.add(reader);
        }
        Thread listeners = events.listenerThread();
        if (listeners != null) {
            alive.add(listeners);
        }
        return alive;
    }

    /** Closes the session and waits briefly for its threads to end. Idempotent. */
    @Override
    public void close() {
        shutdown(null);
        for (Thread thread : threads()) {
            join(thread);
        }
    }

    private static void join(Thread thread) {
        if (thread == Thread.currentThread()) {
            return; // a listener closing the client
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
