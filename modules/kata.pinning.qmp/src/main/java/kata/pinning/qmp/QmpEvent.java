package kata.pinning.qmp;

import java.time.Instant;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * An asynchronous QMP event, such as {@code SHUTDOWN}, {@code STOP} or {@code DEVICE_DELETED}.
 *
 * <p>The record holds its own copy of {@code data} and {@link #data()} returns another copy, so a
 * listener cannot change what other listeners or {@link QmpClient#awaitEvent} callers see.
 *
 * @param name      the event's name, from {@code event}
 * @param data      the event's {@code data} object; an empty object if the event had none
 * @param timestamp when QEMU emitted the event, from {@code timestamp} (seconds and microseconds);
 *                  {@link Instant#EPOCH} if the event carried none
 * @since 0.1
 */
public record QmpEvent(String name, JsonNode data, Instant timestamp) {

    /**
     * Checks the components and copies {@code data}.
     *
     * @throws NullPointerException     if a component is {@code null}
     * @throws IllegalArgumentException if {@code name} is blank or {@code data} is not a JSON object
     */
    public QmpEvent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(timestamp, "timestamp");
        if (name.isBlank()) {
            throw new IllegalArgumentException("event name must not be blank");
        }
        if (!data.isObject()) {
            throw new IllegalArgumentException("event data must be a JSON object, got " + data.getNodeType());
        }
        data = data.deepCopy();
    }

    /** {@return a copy of the event's data object} */
    @Override
    public JsonNode data() {
        return data.deepCopy();
    }
}
