package kata.pinning.qmp.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
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
 * <p>A caller writes its command itself, then waits for its reply. One waiting caller at a time is
 * the reader: it reads and routes every message (replies to their callers, events to the
 * {@link EventHub}) until its own reply arrives, then hands the reading on to another waiting
 * caller. With one caller at a time, which is the usual case, a command costs no thread hand-off.
 * When nobody waits but events are wanted (a listener, or {@link #awaitEvent}), a virtual thread
 * reads them, and gives way to the next caller.
 *
 * <p>A caller whose time runs out, or who is interrupted, gives up alone: its id stays taken until
 * the late reply arrives and is dropped, and the session stays open. Only a protocol error, a
 * failing socket or the end of the stream closes the session, and that fails every waiter.
 */
public final class Session implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("kata.pinning.qmp");
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);
    private static final long MAX_PARK_NANOS = Duration.ofMillis(20).toNanos();
    private static final Exception CLOSED = new ClosedChannelException(); // a slot's failure: the session closed

    private final String peer;
    private final Wire wire;
    private final ReplyTable table = new ReplyTable();
    private final EventHub events;
    private final Router router;
    private final ReentrantLock reading = new ReentrantLock(); // held by the reader of the moment
    private final ReentrantLock closing = new ReentrantLock();
    private final AtomicBoolean eventReaderRunning = new AtomicBoolean();
    private volatile boolean eventReaderReads;
    private volatile Thread eventReader;
    private volatile boolean closed;
    private volatile Throwable closeReason; // written before closed becomes true

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
        this.wire = new Wire(channel, peer, maxLineBytes);
        this.events = new EventHub(eventCapacity, "qmp-listeners " + peer, this::eventsWanted);
        this.router = new Router(peer, table, events);
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
        if (closed) {
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
        if (closed) {
            slot.fail(CLOSED); // shutdown() may have drained the table before our entry
        }
        return await(slot, deadline, timeout);
    }

    private <T> T await(Slot<T> slot, long deadline, Duration timeout) throws QmpException {
        while (!slot.isDone()) {
            if (Thread.interrupted()) {
                if (giveUp(slot)) {
                    Thread.currentThread().interrupt();
                    throw new QmpException("interrupted while waiting for the reply to '" + slot.command
                            + "'; its reply will be dropped", new InterruptedException());
                }
            } else if (deadline - System.nanoTime() <= 0) {
                if (giveUp(slot)) {
                    throw timedOut(slot.command, timeout, "its reply will be dropped");
                }
            } else if (reading.tryLock()) {
                try {
                    readUntilDone(slot, deadline);
                } finally {
                    reading.unlock();
                    handOn();
                }
            } else {
                if (eventReaderReads) {
                    wire.wakeUp(); // the event reader gives way to callers
                }
                // Woken by its reply or by the reader leaving; the bound only caps what a missed
                // wake-up could cost, since a waiter then finds the reading free by itself.
                LockSupport.parkNanos(this, Math.min(deadline - System.nanoTime(), MAX_PARK_NANOS));
            }
        }
        try {
            return slot.result();
        } catch (QmpException e) {
            throw e;
        } catch (Exception e) {
            throw closed(slot.command, null);
        }
    }

    /** Reads and routes messages until this slot has its outcome, the deadline passes, or an interrupt. */
    private void readUntilDone(Slot<?> mine, long deadline) {
        try {
            while (!mine.isDone() && deadline - System.nanoTime() > 0) {
                Line line = wire.poll(deadline);
                if (line != null) {
                    router.route(line);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // seen by await, which gives up
        } catch (IOException | RuntimeException e) {
            shutdown(e);
        }
    }

    /** A caller leaves without its reply; {@code false} if the reply came first and must be taken. */
    private boolean giveUp(Slot<?> slot) {
        if (!slot.abandon()) {
            return false;
        }
        if (!reading.isLocked()) {
            handOn(); // the reader may have chosen us as the next one just now
        }
        return true;
    }

    /** After the reader left: wakes a waiting caller to read next, or the event reader if events are wanted. */
    private void handOn() {
        if (closed) {
            return;
        }
        Slot<?> next = table.anyWaiting();
        if (next != null) {
            LockSupport.unpark(next.caller);
        } else if (events.wantsEvents()) {
            startEventReader();
        }
    }

    private void eventsWanted() {
        if (!reading.isLocked()) {
            handOn();
        }
    }

    private void startEventReader() {
        if (!closed && eventReaderRunning.compareAndSet(false, true)) {
            eventReader = Thread.ofVirtual().name("qmp-events " + peer).start(this::readEvents);
        }
    }

    /** Runs on the event reader: reads while events are wanted and no caller waits. */
    private void readEvents() {
        try {
            if (reading.tryLock()) { // else a caller reads, and starts us again when it leaves
                eventReaderReads = true;
                try {
                    while (!closed && events.wantsEvents() && !table.hasWaiters()) {
                        Line line = wire.poll(Wire.FOREVER);
                        if (line != null) {
                            router.route(line);
                        }
                    }
                } catch (InterruptedException e) {
                    LOG.log(Level.DEBUG, "QMP event reader for {0} interrupted", peer);
                } catch (IOException | RuntimeException e) {
                    shutdown(e);
                } finally {
                    eventReaderReads = false;
                    reading.unlock();
                }
            }
        } finally {
            eventReaderRunning.set(false);
            eventsWanted(); // a caller may be waiting for us to leave, or events wanted again
        }
    }

    /**
     * Reads what has arrived without waiting, when nobody else reads, so that the end of the stream
     * is noticed; then tells whether the session is open.
     *
     * @return whether the session can still run commands
     */
    public boolean isOpen() {
        if (!closed && reading.tryLock()) {
            try {
                for (Line line = wire.readNow(); line != null; line = wire.readNow()) {
                    router.route(line);
                }
            } catch (IOException | RuntimeException e) {
                shutdown(e);
            } finally {
                reading.unlock();
                handOn();
            }
        }
        return !closed;
    }

    /** Closes the session once, for a reason ({@code null}: on purpose), and releases every waiter. */
    void shutdown(Throwable reason) {
        closing.lock();
        try {
            if (closed) {
                return;
            }
            closeReason = reason;
            closed = true;
        } finally {
            closing.unlock();
        }
        logClose(reason);
        try {
            wire.close(); // also wakes a reader waiting for data
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing QMP socket " + peer, e);
        }
        table.failAll(CLOSED);
        events.close();
    }

    private void logClose(Throwable reason) {
        if (reason == null) {
            LOG.log(Level.DEBUG, "QMP connection to {0} closed", peer);
        } else if (reason instanceof EOFException && table.isEmpty()) {
            LOG.log(Level.DEBUG, "QMP connection to {0} ended: {1}", peer, reason.getMessage());
        } else if (reason instanceof IOException) {
            LOG.log(Level.WARNING, "QMP connection to " + peer + " failed; closing it", reason);
        } else {
            LOG.log(Level.ERROR, "QMP session with " + peer + " broke; closing it", reason);
        }
    }

    private QmpTimeoutException timedOut(String command, Duration timeout, String consequence) {
        return new QmpTimeoutException("no reply to '" + command + "' from " + peer + " within " + timeout
                + "; " + consequence + ", and the QMP connection stays open", timeout);
    }

    /**
     * Makes the exception for an operation that cannot complete because the session is closed.
     *
     * @param command  the command in flight, or {@code null}
     * @param activity what was awaited when no command was, such as {@code event SHUTDOWN}
     * @return the exception, with the reason the session closed as its cause
     */
    QmpConnectionClosedException closed(String command, String activity) {
        Throwable why = closeReason;
        String what = command != null ? "running '" + command + "'" : "waiting for " + activity;
        return new QmpConnectionClosedException("QMP connection to " + peer + " is closed; stopped " + what
                + (why == null ? " (closed by the client)" : ": " + why.getMessage()), command, why);
    }

    /** {@return the reason the session closed; {@code null} if closed on purpose or still open} */
    Throwable closeReason() {
        return closeReason;
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
        if (eventReaderReads && !events.wantsEvents()) {
            wire.wakeUp(); // the event reader may end
        }
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
