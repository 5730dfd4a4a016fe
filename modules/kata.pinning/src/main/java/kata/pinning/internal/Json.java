package kata.pinning.internal;

import kata.pinning.cpuset.CpuSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The JSON tree reader and writer shared by the OCI and the persisted-state formats. */
final class Json {

    /** Thread-safe once built; trees only, so no type needs to be open to reflection. */
    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    /**
     * Parses JSON text into a tree.
     *
     * @throws IllegalArgumentException naming {@code source} when the text is not one JSON object
     */
    static JsonNode parseObject(String text, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(source + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + " is not a JSON object");
        }
        return root;
    }

    /**
     * {@return the string at {@code name} in {@code object}, or {@code absent} when it is missing or null}
     *
     * @param field how to name the field in an error, such as {@code config.json: linux.resources.cpu.cpus}
     * @throws IllegalArgumentException naming {@code field} when the value is not a string
     */
    static String string(JsonNode object, String name, String absent, String field) {
        JsonNode value = object.path(name);
        if (value.isMissingNode() || value.isNull()) {
            return absent;
        }
        if (!value.isString()) {
            throw new IllegalArgumentException(field + " must be a string, not " + value);
        }
        return value.stringValue();
    }

    /**
     * {@return the string at {@code name}}
     *
     * @throws IllegalArgumentException naming {@code field} when it is missing or not a string
     */
    static String requiredString(JsonNode object, String name, String field) {
        String text = string(object, name, null, field);
        if (text == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return text;
    }

    /**
     * {@return the int at {@code name}}
     *
     * @throws IllegalArgumentException naming {@code field} when it is not an int
     */
    static int integer(JsonNode object, String name, String field) {
        JsonNode value = object.path(name);
        if (!value.isInt()) {
            throw new IllegalArgumentException(field + " must be a whole number, not " + value);
        }
        return value.intValue();
    }

    /**
     * {@return the boolean at {@code name}}
     *
     * @throws IllegalArgumentException naming {@code field} when it is not a boolean
     */
    static boolean bool(JsonNode object, String name, String field) {
        JsonNode value = object.path(name);
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(field + " must be true or false, not " + value);
        }
        return value.booleanValue();
    }

    /**
     * {@return the cpulist at {@code name}}
     *
     * @throws IllegalArgumentException naming {@code field} when it is missing or not a cpulist
     */
    static CpuSet cpuSet(JsonNode object, String name, String field) {
        String text = requiredString(object, name, field);
        try {
            return CpuSet.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " \"" + text + "\" is not a cpulist: " + e.getMessage(), e);
        }
    }
}
