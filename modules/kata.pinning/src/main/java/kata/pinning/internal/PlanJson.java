package kata.pinning.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import kata.pinning.cpuset.CpuSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@link Plan} as JSON, inside the persisted state:
 * <pre>{@code
 * {"effect":"PINS","union":"0-1","reason":"2 vCPUs for 2 CPUs (0-1): one vCPU per CPU",
 *  "vcpus":[{"index":0,"thread":4101,"node":null,"cpus":"0","pinned":true}, ...]}
 * }</pre>
 */
final class PlanJson {

    private PlanJson() {
    }

    static void write(ObjectNode into, Plan plan) {
        into.put("effect", plan.effect().name());
        into.put("union", plan.union().toString());
        into.put("reason", plan.reason());
        ArrayNode vcpus = into.putArray("vcpus");
        for (VcpuPlacement p : plan.placements()) {
            ObjectNode v = vcpus.addObject().put("index", p.vcpuIndex()).put("thread", p.threadId());
            if (p.node().isPresent()) {
                v.put("node", p.node().getAsInt());
            } else {
                v.putNull("node");
            }
            v.put("cpus", p.cpus().toString()).put("pinned", p.pinned());
        }
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @param node the JSON object
     * @param field its name in error messages, such as {@code persisted sandbox state: inForce}
     * @throws IllegalArgumentException naming the field when the JSON is not such a plan
     */
    static Plan read(JsonNode node, String field) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(field + " must be an object, not " + node);
        }
        Plan.Effect effect = effect(node, field + ".effect");
        CpuSet union = Json.cpuSet(node, "union", field + ".union");
        String reason = Json.requiredString(node, "reason", field + ".reason");
        JsonNode vcpus = node.path("vcpus");
        if (!vcpus.isArray()) {
            throw new IllegalArgumentException(field + ".vcpus must be an array, not " + vcpus);
        }
        List<VcpuPlacement> placements = new ArrayList<>();
        for (int i = 0; i < vcpus.size(); i++) {
            placements.add(placement(vcpus.get(i), field + ".vcpus[" + i + "]"));
        }
        try {
            return new Plan(effect, placements, union, reason);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    private static VcpuPlacement placement(JsonNode v, String field) {
        if (!v.isObject()) {
            throw new IllegalArgumentException(field + " must be an object, not " + v);
        }
        int index = Json.integer(v, "index", field + ".index");
        int thread = Json.integer(v, "thread", field + ".thread");
        JsonNode node = v.path("node");
        if (!node.isNull() && !(node.isInt() && node.intValue() >= 0)) {
            throw new IllegalArgumentException(field + ".node must be null or a node number, not " + node);
        }
        CpuSet cpus = Json.cpuSet(v, "cpus", field + ".cpus");
        JsonNode pinned = v.path("pinned");
        if (!pinned.isBoolean()) {
            throw new IllegalArgumentException(field + ".pinned must be true or false, not " + pinned);
        }
        try {
            return new VcpuPlacement(index, thread, node.isNull() ? OptionalInt.empty() : OptionalInt.of(node.intValue()),
                    cpus, pinned.booleanValue());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    private static Plan.Effect effect(JsonNode node, String field) {
        String text = Json.requiredString(node, "effect", field);
        try {
            return Plan.Effect.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " must be one of " + Arrays.toString(Plan.Effect.values())
                    + ", not \"" + text + "\"", e);
        }
    }
}
