package kata.pinning.qmp.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The commands in flight, by id. One command at a time goes without an id ({@link #NO_ID}), since
 * QEMU's monitor reads a command one byte per main-loop turn and the id's seven bytes cost more
 * than the rest of a round trip's work; a reply without id can then only be that command's.
 * Every other command takes the smallest number not in use. An id stays taken until the reply to
 * its command arrives, even after its caller gave up, so a late reply can never reach a later
 * command: QEMU sends one reply per command, so ids stay as short as the number of commands in
 * flight allows, however long the connection lives.
 */
final class ReplyTable {

    /** The key of the command sent without id. */
    static final long NO_ID = -1;

    private final Map<Long, Slot<?>> slots = new ConcurrentHashMap<>();

    /** Puts a new slot for the calling thread under the smallest free key, {@link #NO_ID} first. */
    <T> Slot<T> register(String command, ReplyDecoder<T> decoder) {
        long id = NO_ID;
        while (true) {
            Slot<T> slot = new Slot<>(id, command, decoder, Thread.currentThread());
            if (slots.putIfAbsent(id, slot) == null) {
                return slot;
            }
            id++;
        }
    }

    /** {@return the slot of this id ({@link #NO_ID}: of the command sent without one), or {@code null}} */
    Slot<?> get(long id) {
        return slots.get(id);
    }

    /** Frees the slot's id, once its reply has arrived or its command was never sent. */
    void remove(Slot<?> slot) {
        slots.remove(slot.id, slot);
    }

    /** {@return whether no command is in flight, abandoned ones included} */
    boolean isEmpty() {
        return slots.isEmpty();
    }

    /**
     * Fails every slot and frees its id. Called once no reply can be delivered any more; a slot
     * registered meanwhile is failed by its own caller, who sees the session closed.
     */
    void failAll(Exception failure) {
        for (Slot<?> slot : slots.values()) {
            slot.fail(failure);
            remove(slot);
        }
    }
}
