package kata.pinning.qmp;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * The VM's run state as {@code query-status} reports it.
 *
 * @param status  QEMU's {@code RunState}, such as {@code prelaunch} (started with {@code -S}),
 *                {@code running}, {@code paused} or {@code shutdown}; a string, since QEMU adds states
 * @param running whether the vCPUs are executing guest code
 * @since 0.1
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QmpStatus(
        @JsonProperty(value = "status", required = true) String status,
        @JsonProperty(value = "running", required = true) boolean running) {

    /**
     * Checks the components.
     *
     * @throws NullPointerException if {@code status} is {@code null}
     */
    public QmpStatus {
        Objects.requireNonNull(status, "status");
    }
}
