package kata.pinning.internal;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import kata.pinning.CpuResources;
import kata.pinning.SandboxStatus.PinState;
import kata.pinning.config.PinningPolicy;
import kata.pinning.cpuset.CpuSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a sandbox writes to disk so that a restarted runtime can take it over: the enable flag, the
 * placement policy, each container's cpuset, and the pin state. The vCPU threads' real affinities are not stored; a
 * restore reads them from the kernel.
 *
 * <p>The JSON form, version {@value #VERSION}, is mapped field by field, so no type needs to be
 * opened to Jackson's reflection:
 * <pre>{@code
 * {"version":1,"pinningEnabled":true,"policy":"fit","vmStarted":true,"vmmAffinity":"0-1",
 *  "pinState":"PINNED","containers":{"c1":{"cpus":"0-1","mems":"0"}}}
 * }</pre>
 * A state without {@code policy}, written before policies existed, reads as {@code exact}.
 *
 * @param pinningEnabled whether the sandbox allows pinning
 * @param policy the placement policy the sandbox was created with
 * @param vmStarted whether the VM had started
 * @param vmmAffinity the VMM process's own affinity, taken when the VM started; empty before
 * @param pinState the pin state
 * @param containers each container's resources, by id
 */
public record PersistedState(boolean pinningEnabled, PinningPolicy policy, boolean vmStarted, CpuSet vmmAffinity, PinState pinState,
                             Map<String, CpuResources> containers) {

    /** The format version this class writes and reads. */
    public static final int VERSION = 1;

    private static final String WHAT = "persisted sandbox state";

    /** Checks and copies the components. */
    public PersistedState {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(vmmAffinity, "vmmAffinity");
        Objects.requireNonNull(pinState, "pinState");
        containers = Collections.unmodifiableMap(new TreeMap<>(containers));
    }

    /** {@return this state as JSON text} */
    public String toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", VERSION);
        root.put("pinningEnabled", pinningEnabled);
        root.put("policy", policy.configName());
        root.put("vmStarted", vmStarted);
        root.put("vmmAffinity", vmmAffinity.toString());
        root.put("pinState", pinState.name());
        ObjectNode byId = root.putObject("containers");
        containers.forEach((id, r) -> byId.putObject(id)
                .put("cpus", r.cpus().toString())
                .put("mems", r.mems().toString()));
        return Json.MAPPER.writeValueAsString(root);
    }

    /**
     * Reads the JSON that {@link #toJson()} writes.
     *
     * @param json the text
     * @return the state
     * @throws IllegalArgumentException naming the field when the text is not such JSON
     */
    public static PersistedState fromJson(String json) {
        JsonNode root = Json.parseObject(json, WHAT);
        JsonNode version = root.path("version");
        if (!version.isInt() || version.intValue() != VERSION) {
            throw new IllegalArgumentException(WHAT + ": version must be " + VERSION + ", not " + version);
        }
        JsonNode byId = root.path("containers");
        if (!byId.isObject()) {
            throw new IllegalArgumentException(WHAT + ": containers must be an object, not " + byId);
        }
        Map<String, CpuResources> containers = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : byId.properties()) {
            String where = WHAT + ": containers." + entry.getKey();
            JsonNode resources = entry.getValue();
            if (!resources.isObject()) {
                throw new IllegalArgumentException(where + " must be an object, not " + resources);
            }
            String cpus = Json.string(resources, "cpus", "", where + ".cpus");
            String mems = Json.string(resources, "mems", "", where + ".mems");
            try {
                containers.put(entry.getKey(), CpuResources.parse(cpus, mems));
            } catch (IllegalArgumentException e) { // the message starts with the field name
                throw new IllegalArgumentException(where + "." + e.getMessage(), e.getCause());
            }
        }
        return new PersistedState(bool(root, "pinningEnabled"), policy(root), bool(root, "vmStarted"),
                cpuSet(root, "vmmAffinity"), pinState(root), containers);
    }

    private static boolean bool(JsonNode root, String name) {
        JsonNode value = root.path(name);
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(WHAT + ": " + name + " must be true or false, not " + value);
        }
        return value.booleanValue();
    }

    private static CpuSet cpuSet(JsonNode root, String name) {
        String field = WHAT + ": " + name;
        String text = Json.string(root, name, null, field);
        if (text == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        try {
            return CpuSet.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " \"" + text + "\" is not a cpulist: " + e.getMessage(), e);
        }
    }

    private static PinningPolicy policy(JsonNode root) {
        String field = WHAT + ": policy";
        String text = Json.string(root, "policy", PinningPolicy.EXACT.configName(), field);
        try {
            return PinningPolicy.fromConfigName(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " " + e.getMessage(), e);
        }
    }

    private static PinState pinState(JsonNode root) {
        String field = WHAT + ": pinState";
        String text = Json.string(root, "pinState", "", field);
        try {
            return PinState.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " must be one of " + Arrays.toString(PinState.values())
                    + ", not \"" + text + "\"", e);
        }
    }
}
