package kata.pinning.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import kata.pinning.CpuResources;
import kata.pinning.SandboxStatus.Outcome;
import kata.pinning.SandboxStatus.PinState;
import kata.pinning.config.NumaConfig;
import kata.pinning.config.PinningPolicy;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The persisted form of a sandbox: its settings and its {@link SandboxSnapshot}, as JSON mapped
 * field by field, so that no type needs to be opened to Jackson's reflection. Version
 * {@value #VERSION}:
 * <pre>{@code
 * {"version":2,"pinningEnabled":true,"policy":"fit","numa":{"enabled":false,"mapping":[]},"defaultVcpus":2,
 *  "vmStarted":true,"vmmAffinity":"0-1","pinState":"PINNED","containers":{"c1":{"cpus":"0-1","mems":"0"}},
 *  "desired":{...a plan...},"inForce":{...a plan...},"outcome":"PLACED","reason":"..."}
 * }</pre>
 * Plans are as {@link PlanJson} writes them; {@code pinState} is written for readers of the file
 * and derived from {@code inForce} on reading.
 *
 * <p>Version 1, written by kata-pinning 0.1, still reads: it has the enable flag, the policy
 * ({@code exact} when absent), the containers and the pin state, but no NUMA settings, no
 * {@code default_vcpus}, no plans and no outcome. Those come from the reader's defaults, and the
 * pin state comes back as {@link Persisted#legacyPinState()} for the sandbox to take over from the
 * kernel.
 */
public final class SnapshotJson {

    /** The format version this class writes. */
    public static final int VERSION = 2;

    private static final String WHAT = "persisted sandbox state";

    private SnapshotJson() {
    }

    /**
     * A persisted sandbox.
     *
     * @param settings its settings
     * @param snapshot its state
     * @param legacyPinState for a version 1 file, the pin state it recorded: the plan in force is
     *     then unknown and {@code snapshot.inForce()} is {@link Plan.Effect#NONE}
     */
    public record Persisted(SandboxSettings settings, SandboxSnapshot snapshot, Optional<PinState> legacyPinState) {
    }

    /**
     * {@return the JSON text of a sandbox}
     *
     * @param settings its settings
     * @param snapshot its state
     */
    public static String write(SandboxSettings settings, SandboxSnapshot snapshot) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", VERSION);
        root.put("pinningEnabled", settings.pinningEnabled());
        root.put("policy", settings.policy().configName());
        ObjectNode numa = root.putObject("numa").put("enabled", settings.numa().enabled());
        ArrayNode mapping = numa.putArray("mapping");
        settings.numa().mapping().forEach(mapping::add);
        root.put("defaultVcpus", settings.defaultVcpus());
        root.put("vmStarted", snapshot.vmStarted());
        root.put("vmmAffinity", snapshot.vmmAffinity().toString());
        root.put("pinState", snapshot.pinState().name());
        ObjectNode byId = root.putObject("containers");
        snapshot.containers().forEach((id, r) -> byId.putObject(id)
                .put("cpus", r.cpus().toString())
                .put("mems", r.mems().toString()));
        PlanJson.write(root.putObject("desired"), snapshot.desired());
        PlanJson.write(root.putObject("inForce"), snapshot.inForce());
        root.put("outcome", snapshot.outcome().name());
        root.put("reason", snapshot.reason());
        return Json.MAPPER.writeValueAsString(root);
    }

    /**
     * Reads what {@link #write} wrote, or a version 1 file.
     *
     * @param json the text
     * @param defaults the settings a version 1 file does not hold: NUMA and {@code default_vcpus}
     * @return the persisted sandbox
     * @throws IllegalArgumentException naming the field when the text is not such JSON
     */
    public static Persisted read(String json, SandboxSettings defaults) {
        JsonNode root = Json.parseObject(json, WHAT);
        JsonNode version = root.path("version");
        if (!version.isInt() || version.intValue() < 1 || version.intValue() > VERSION) {
            throw new IllegalArgumentException(WHAT + ": version must be 1 or " + VERSION + ", not " + version);
        }
        boolean enabled = Json.bool(root, "pinningEnabled", WHAT + ": pinningEnabled");
        PinningPolicy policy = policy(root);
        boolean vmStarted = Json.bool(root, "vmStarted", WHAT + ": vmStarted");
        SandboxSnapshot legacy = new SandboxSnapshot(containers(root), vmStarted,
                Json.cpuSet(root, "vmmAffinity", WHAT + ": vmmAffinity"), SandboxSnapshot.NEW.desired(),
                SandboxSnapshot.NEW.inForce(), Outcome.NONE, "restored; no pinning check since");
        PinState pinState = pinState(root);
        if (version.intValue() == 1) {
            return new Persisted(new SandboxSettings(enabled, policy, defaults.numa(), defaults.defaultVcpus()),
                    legacy, Optional.of(pinState));
        }
        var numa = numa(root); // the fields in the order they are written, so that the first bad one is named
        int defaultVcpus = Json.integer(root, "defaultVcpus", WHAT + ": defaultVcpus");
        if (defaultVcpus < 1) {
            throw new IllegalArgumentException(WHAT + ": defaultVcpus must be at least 1, not " + defaultVcpus);
        }
        SandboxSettings settings = new SandboxSettings(enabled, policy, numa, defaultVcpus);
        Plan inForce = PlanJson.read(root.path("inForce"), WHAT + ": inForce");
        SandboxSnapshot snapshot = new SandboxSnapshot(legacy.containers(), vmStarted, legacy.vmmAffinity(),
                PlanJson.read(root.path("desired"), WHAT + ": desired"), inForce, outcome(root),
                Json.requiredString(root, "reason", WHAT + ": reason"));
        if (snapshot.pinState() != pinState) {
            throw new IllegalArgumentException(WHAT + ": pinState " + pinState + " does not match inForce's effect "
                    + inForce.effect());
        }
        return new Persisted(settings, snapshot, Optional.empty());
    }

    private static Map<String, CpuResources> containers(JsonNode root) {
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
        return containers;
    }

    private static NumaConfig numa(JsonNode root) {
        JsonNode numa = root.path("numa");
        String field = WHAT + ": numa";
        if (!numa.isObject()) {
            throw new IllegalArgumentException(field + " must be an object, not " + numa);
        }
        boolean enabled = Json.bool(numa, "enabled", field + ".enabled");
        JsonNode mapping = numa.path("mapping");
        if (!mapping.isArray()) {
            throw new IllegalArgumentException(field + ".mapping must be an array, not " + mapping);
        }
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < mapping.size(); i++) {
            if (!mapping.get(i).isString()) {
                throw new IllegalArgumentException(field + ".mapping[" + i + "] must be a string, not " + mapping.get(i));
            }
            entries.add(mapping.get(i).stringValue());
        }
        return new NumaConfig(enabled, entries);
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
        return named(PinState.class, Json.string(root, "pinState", "", WHAT + ": pinState"), WHAT + ": pinState");
    }

    private static Outcome outcome(JsonNode root) {
        return named(Outcome.class, Json.requiredString(root, "outcome", WHAT + ": outcome"), WHAT + ": outcome");
    }

    private static <E extends Enum<E>> E named(Class<E> type, String text, String field) {
        try {
            return Enum.valueOf(type, text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " must be one of " + Arrays.toString(type.getEnumConstants())
                    + ", not \"" + text + "\"", e);
        }
    }
}
