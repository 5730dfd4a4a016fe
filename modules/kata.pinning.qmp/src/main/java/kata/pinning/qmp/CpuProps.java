package kata.pinning.qmp;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Where a vCPU sits in the guest's topology: QMP's {@code CpuInstanceProperties}. Which ids QEMU
 * reports depends on the machine and on {@code -smp}; x86 reports socket, core and thread, plus
 * die with {@code dies=N} and node with NUMA. Ids of other architectures (cluster, book, drawer)
 * are ignored.
 *
 * @param nodeId   the NUMA node, from {@code node-id}
 * @param socketId the socket, from {@code socket-id}
 * @param dieId    the die, from {@code die-id}
 * @param coreId   the core, from {@code core-id}
 * @param threadId the SMT thread within its core, from {@code thread-id}; not a host thread id
 * @since 0.1
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CpuProps(
        @JsonProperty("node-id") OptionalInt nodeId,
        @JsonProperty("socket-id") OptionalInt socketId,
        @JsonProperty("die-id") OptionalInt dieId,
        @JsonProperty("core-id") OptionalInt coreId,
        @JsonProperty("thread-id") OptionalInt threadId) {

    /** Properties with no id at all, for a vCPU whose reply carried no {@code props}. */
    public static final CpuProps NONE = new CpuProps(OptionalInt.empty(), OptionalInt.empty(),
            OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty());

    /**
     * Checks that no component is {@code null}; an absent id is {@link OptionalInt#empty()}.
     *
     * @throws NullPointerException if a component is {@code null}
     */
    public CpuProps {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(socketId, "socketId");
        Objects.requireNonNull(dieId, "dieId");
        Objects.requireNonNull(coreId, "coreId");
        Objects.requireNonNull(threadId, "threadId");
    }

    /**
     * {@return the ids that are present, keyed by their QMP names ({@code socket-id}, ...) in the
     * order node, socket, die, core, thread} This is the form {@code device_add} takes them in.
     */
    public Map<String, Integer> toQmpArguments() {
        Map<String, Integer> args = new LinkedHashMap<>();
        nodeId.ifPresent(id -> args.put("node-id", id));
        socketId.ifPresent(id -> args.put("socket-id", id));
        dieId.ifPresent(id -> args.put("die-id", id));
        coreId.ifPresent(id -> args.put("core-id", id));
        threadId.ifPresent(id -> args.put("thread-id", id));
        return args;
    }
}
