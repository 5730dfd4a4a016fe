package kata.pinning.qmp;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One vCPU slot as {@code query-hotpluggable-cpus} reports it: plugged when it has a QOM path, else
 * free for {@code device_add} (see {@link #deviceAddArguments(String)}).
 *
 * @param type       the QOM type to plug, from {@code type}, such as {@code host-x86_64-cpu} with
 *                   KVM or {@code max-x86_64-cpu} with TCG's {@code -cpu max}
 * @param vcpusCount how many vCPUs the slot holds, from {@code vcpus-count}; 1 on x86
 * @param props      where the slot sits in the topology
 * @param qomPath    the path of the plugged vCPU, from {@code qom-path}; empty for a free slot
 * @since 0.1
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HotpluggableCpu(
        @JsonProperty(value = "type", required = true) String type,
        @JsonProperty(value = "vcpus-count", required = true) int vcpusCount,
        @JsonProperty("props") CpuProps props,
        @JsonProperty("qom-path") Optional<String> qomPath) {

    /**
     * Checks the components; missing {@code props} become {@link CpuProps#NONE}.
     *
     * @throws NullPointerException if {@code type} or {@code qomPath} is {@code null}
     */
    public HotpluggableCpu {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(qomPath, "qomPath");
        props = Objects.requireNonNullElse(props, CpuProps.NONE);
    }

    /** {@return whether a vCPU is plugged into this slot} */
    public boolean isPlugged() {
        return qomPath.isPresent();
    }

    /**
     * Builds the arguments of {@code device_add} that plug a vCPU into this slot: {@code driver} is
     * {@link #type()}, {@code id} the given device id, then the topology ids of {@link #props()}.
     *
     * @param deviceId the new device's id, later used by {@code device_del}
     * @return a new, modifiable map
     * @throws IllegalArgumentException if {@code deviceId} is blank
     */
    public Map<String, Object> deviceAddArguments(String deviceId) {
        if (deviceId.isBlank()) {
            throw new IllegalArgumentException("device id must not be blank");
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("driver", type);
        args.put("id", deviceId);
        args.putAll(props.toQmpArguments());
        return args;
    }
}
