package kata.pinning.qmp.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The commands in flight, by id. Each command takes the smallest id not in use. An id stays taken
 * until the reply to its command arrives, even after its caller gave up, so a late reply can never
 * reach a later command: QEMU sends one reply per command, so ids stay as short as the number of
 * commands in flight allows, however long the connection lives.
 */
final class ReplyTable {

    private final Map<Long, Slot<?>> slots = new ConcurrentHashMap<>();

    /** Puts a new slot for the calling thread under the smallest free id. */
    <T> Slot<T> register(String command, ReplyDecoder<T> decoder) {
        long id = 0;
        while (true) {
            Slot<T> slot = new Slot<>(id, command, decoder, Thread.currentThread());
            if (slots.putIfAbsent(id, slot) == null) {
                return slot;
            }
            id++;
        }
    }

    /** {@return the slot of this id, or {@code null}} */
    Slot<?> get(long id) {
        return slots.get(id);
    }

    /** Frees the slot's id, once its reply has arrived or its command was never sent. */
    void remove(Slot<?> slot) {
        slots.remove(slot.id, slot);
    }

    /** {@return a slot whose caller still waits, or {@code null}} */
    Slot<?> anyWaiting() {
        for (Slot<?> slot : slots.values()) {
            if (slot.isWaiting()) {
                return slot;
            }
        }
        return null;
    }

    /** {@return whether any caller waits} */
    boolean hasWaiters() {
        return anyWaiting() != null;
    }

    /** {@return whether no command is in flight, abandoned ones included} */
    boolean isEmpty() {
        return slots.isEmpty();
    }

    /** Fails every slot and frees every id. */
    void failAll(Exception failure) {
        for (Slot<?> slot : slots.values()) {
            slot.fail(failure);
        }
        slots.clear();
    }
}
