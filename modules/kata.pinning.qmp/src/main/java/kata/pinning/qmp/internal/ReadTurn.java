package kata.pinning.qmp.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Whose turn it is to read a session's socket. At most one thread holds the turn; it reads and
 * routes, then passes the turn on. Callers that find the turn taken queue up in arrival order, and
 * whoever leaves gives the turn to the first caller in the queue that still waits, then wakes it.
 * The turn is given, not taken, so no wake-up can be missed and none needs a timed wait to cover
 * it. When no caller waits but events are wanted, the turn goes to an event reader thread, which
 * is nudged to give way as soon as a caller queues up.
 *
 * <p>After the session closed, the holder of the turn still routes what it has read, so a reply
 * that arrived reaches its caller; only when it leaves are the remaining commands failed.
 */
final class ReadTurn {

    /** What the turn needs from its session. */
    interface Session {
        /** {@return whether a listener or an {@code awaitEvent} wants events} */
        boolean eventsWanted();

        /** {@return an unstarted thread that reads events while it holds the turn} */
        Thread newEventReader();

        /** Makes the event reader's wait for the socket return, so it checks whether to go on. */
        void nudgeReader();

        /** Fails every command in flight: the session closed and nobody reads any more. */
        void failRemaining();
    }

    /** What a caller is to do. */
    enum Take {
        /** Read: the turn is the caller's. */
        READ,
        /** Wait to be woken: another thread reads, and the caller is in the queue. */
        WAIT,
        /** Fail: the session closed and nobody will read again. */
        CLOSED
    }

    private final Session session;
    private final ReentrantLock lock = new ReentrantLock(); // not synchronized: virtual threads wait here
    private final ArrayDeque<Slot<?>> queue = new ArrayDeque<>();
    private Thread holder;
    private boolean eventReaderHolds;
    private boolean closed;

    ReadTurn(Session session) {
        this.session = session;
    }

    /** Takes the turn for a caller if it is free or was given to it, else queues the caller once. */
    Take take(Slot<?> slot) {
        boolean nudge = false;
        boolean leave = false;
        lock.lock();
        try {
            Thread me = Thread.currentThread();
            if (holder == me) {
                leave = closed; // the reader closed the session itself
                return closed ? Take.CLOSED : Take.READ;
            }
            if (holder == null) {
                if (closed) {
                    return Take.CLOSED;
                }
                holder = me;
                return Take.READ;
            }
            if (!queue.contains(slot)) {
                queue.addLast(slot);
                nudge = eventReaderHolds;
            }
            return Take.WAIT;
        } finally {
            lock.unlock();
            if (nudge) {
                session.nudgeReader();
            } else if (leave) {
                leave();
            }
        }
    }

    /** Takes the turn only if nobody holds it; {@code false} if someone does or the session closed. */
    boolean takeIfFree() {
        lock.lock();
        try {
            if (holder != null || closed) {
                return false;
            }
            holder = Thread.currentThread();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A caller is done waiting: it leaves the queue, and passes the turn on if it was given the turn. */
    void forget(Slot<?> slot) {
        lock.lock();
        try {
            queue.remove(slot);
            if (holder != Thread.currentThread()) {
                return;
            }
        } finally {
            lock.unlock();
        }
        leave();
    }

    /** Events are wanted now: if nobody reads, an event reader takes the turn. */
    void offerToEventReader() {
        Thread reader = null;
        lock.lock();
        try {
            if (holder == null && !closed && session.eventsWanted()) {
                reader = handToEventReader();
            }
        } finally {
            lock.unlock();
        }
        if (reader != null) {
            reader.start();
        }
    }

    /** {@return whether the event reader, which holds the turn, is to read on} */
    boolean eventReaderGoesOn() {
        lock.lock();
        try {
            return !closed && session.eventsWanted() && queue.stream().noneMatch(Slot::isWaiting);
        } finally {
            lock.unlock();
        }
    }

    /** Nudges the event reader if it holds the turn, since events may no longer be wanted. */
    void eventsMayBeUnwanted() {
        lock.lock();
        boolean nudge;
        try {
            nudge = eventReaderHolds;
        } finally {
            lock.unlock();
        }
        if (nudge) {
            session.nudgeReader();
        }
    }

    /**
     * The holder leaves: the turn goes to the first queued caller that still waits, else to a new
     * event reader if events are wanted, else to nobody. After the session closed, every queued
     * caller is woken instead, and what is still in flight fails.
     */
    void leave() {
        Thread next = null;
        Thread eventReader = null;
        List<Thread> released = List.of();
        lock.lock();
        try {
            holder = null;
            eventReaderHolds = false;
            if (closed) {
                released = new ArrayList<>(queue.size());
                for (Slot<?> slot : queue) {
                    released.add(slot.caller);
                }
                queue.clear();
            } else {
                while (next == null && !queue.isEmpty()) {
                    Slot<?> slot = queue.pollFirst();
                    if (slot.isWaiting()) {
                        next = slot.caller;
                        holder = next;
                    }
                }
                if (next == null && session.eventsWanted()) {
                    eventReader = handToEventReader();
                }
            }
        } finally {
            lock.unlock();
        }
        if (next != null) {
            LockSupport.unpark(next);
        } else if (eventReader != null) {
            eventReader.start();
        } else if (closed) {
            released.forEach(LockSupport::unpark); // each fails its own command if failRemaining misses it
            session.failRemaining();
        }
    }

    /**
     * Marks the session closed. A holder that waits to be woken is woken, and routes what has
     * arrived before it leaves.
     *
     * @return whether nobody holds the turn, so that the caller must fail what is in flight itself
     */
    boolean close() {
        Thread parked;
        lock.lock();
        try {
            closed = true;
            parked = holder;
        } finally {
            lock.unlock();
        }
        if (parked == null) {
            return true;
        }
        if (parked != Thread.currentThread()) {
            LockSupport.unpark(parked);
        }
        return false;
    }

    private Thread handToEventReader() {
        Thread reader = session.newEventReader();
        holder = reader;
        eventReaderHolds = true;
        return reader;
    }
}
