package kata.pinning.internal;

import kata.pinning.CpuResources;
import tools.jackson.databind.JsonNode;

/** Reads the CPU placement out of an OCI runtime-spec {@code config.json}. */
public final class OciSpec {

    private static final String CPU_PATH = "linux.resources.cpu";

    private OciSpec() {
    }

    /**
     * Returns {@code linux.resources.cpu.cpus} and {@code .mems}; absent objects or fields are empty.
     *
     * @param json the text of a {@code config.json}
     * @param source what to call it in error messages, such as its path
     * @return the parsed resources
     * @throws IllegalArgumentException naming {@code source} and the field for text that is not JSON,
     *     a field of the wrong type, or a string that is not a cpulist
     */
    public static CpuResources cpuResources(String json, String source) {
        JsonNode cpu = Json.parseObject(json, source);
        String where = source + ": ";
        for (String name : CPU_PATH.split("\\.")) {
            where = where.endsWith(": ") ? where + name : where + "." + name;
            cpu = cpu.path(name);
            if (cpu.isMissingNode() || cpu.isNull()) {
                return CpuResources.NONE;
            }
            if (!cpu.isObject()) {
                throw new IllegalArgumentException(where + " must be an object, not " + cpu);
            }
        }
        String cpus = Json.string(cpu, "cpus", "", where + ".cpus");
        String mems = Json.string(cpu, "mems", "", where + ".mems");
        try {
            return CpuResources.parse(cpus, mems);
        } catch (IllegalArgumentException e) { // the message starts with the field name
            throw new IllegalArgumentException(where + "." + e.getMessage(), e.getCause());
        }
    }
}
