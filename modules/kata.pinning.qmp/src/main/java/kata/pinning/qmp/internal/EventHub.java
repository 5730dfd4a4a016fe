package kata.pinning.qmp.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import kata.pinning.qmp.QmpEvent;
import kata.pinning.qmp.QmpException;
import kata.pinning.qmp.QmpTimeoutException;

/**
 * Delivers events to listeners and keeps the newest ones in a bounded buffer for
 * {@link #await}. {@link #publish} never blocks: listeners run on the hub's own
 * {@link SerialExecutor}, one event after another in arrival order, so a slow listener cannot stall
 * the thread that reads; when the buffer is full the oldest event is dropped.
 */
final class EventHub {

    private static final System.Logger LOG = System.getLogger("kata.pinning.qmp");

    private final int capacity;
    private final SerialExecutor listenerThread;
    private final Runnable readerWanted;
    private final Runnable readerMayStop;
    private final AtomicInteger awaiting = new AtomicInteger();
    private final List<Consumer<QmpEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock(); // not synchronized: virtual threads wait here
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<QmpEvent> buffer;
    private long dropped;
    private boolean closed;

    /**
     * @param capacity       how many events the buffer keeps
     * @param listenerThread the name of the virtual thread that calls listeners
     * @param readerWanted   called when events must be read although no command waits: a
     *                       listener was added, or an {@link #await} began to wait
     * @param readerMayStop  called when events may no longer be wanted: the last {@link #await}
     *                       ended, by an event, a timeout or an interrupt, and no listener is left
     */
    EventHub(int capacity, String listenerThread, Runnable readerWanted, Runnable readerMayStop) {
        this.capacity = capacity;
        this.listenerThread = new SerialExecutor(listenerThread);
        this.readerWanted = readerWanted;
        this.readerMayStop = readerMayStop;
        this.buffer = new ArrayDeque<>(capacity);
    }

    void addListener(Consumer<QmpEvent> listener) {
        listeners.add(listener);
        readerWanted.run();
    }

    /** {@return whether someone wants events now: a listener, or a caller of {@link #await}} */
    boolean wantsEvents() {
        return !listeners.isEmpty() || awaiting.get() > 0;
    }

    /** {@return the thread calling listeners now, or {@code null}} */
    Thread listenerThread() {
        return listenerThread.thread();
    }

    boolean removeListener(Consumer<QmpEvent> listener) {
        return listeners.remove(listener);
    }

    /** Buffers the event, wakes waiters, and queues it for the listeners. */
    void publish(QmpEvent event) {
        lock.lock();
        try {
            if (buffer.size() == capacity) {
                buffer.removeFirst();
                if (dropped++ == 0) {
                    LOG.log(Level.WARNING, "QMP event buffer full ({0} events); dropping the oldest ones", capacity);
                }
            }
            buffer.addLast(event);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        if (!listeners.isEmpty()) {
            listenerThread.execute(() -> callListeners(event));
        }
    }

    private void callListeners(QmpEvent event) {
        for (Consumer<QmpEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "QMP event listener " + listener + " failed on " + event.name(), e);
            }
        }
    }

    /**
     * Removes and returns the oldest buffered event with this name, waiting for one if needed.
     * Events buffered before the connection closed can still be taken after it.
     *
     * @param closedError makes the exception for a closed connection, given what was awaited
     */
    QmpEvent await(String name, Duration timeout, Function<String, QmpException> closedError) throws QmpException {
        long deadline = System.nanoTime() + timeout.toNanos();
        awaiting.incrementAndGet();
        readerWanted.run();
        lock.lock();
        try {
            while (true) {
                for (Iterator<QmpEvent> it = buffer.iterator(); it.hasNext(); ) {
                    QmpEvent event = it.next();
                    if (event.name().equals(name)) {
                        it.remove();
                        return event;
                    }
                }
                if (closed) {
                    throw closedError.apply("event " + name);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new QmpTimeoutException("no QMP event " + name + " within " + timeout, timeout);
                }
                arrived.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException("interrupted while waiting for QMP event " + name, e);
        } finally {
            lock.unlock();
            if (awaiting.decrementAndGet() == 0 && listeners.isEmpty()) {
                readerMayStop.run(); // the event reader, blocked on the socket, is to end
            }
        }
    }

    /** Wakes every waiter; from now on a waiter that finds no matching event fails. */
    void close() {
        lock.lock();
        try {
            closed = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
