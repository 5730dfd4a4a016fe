package kata.pinning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import kata.pinning.cpuset.CpuListFormatException;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.internal.OciSpec;

/**
 * A container's CPU placement: the {@code cpus} and {@code mems} of its OCI
 * {@code linux.resources.cpu}, parsed once at the boundary. An empty set means the container
 * names none, as when the field is absent.
 *
 * <pre>{@code
 * CpuResources r = CpuResources.fromOciConfig(bundle.resolve("config.json"));
 * CpuResources s = CpuResources.parse("0-1", "0");
 * }</pre>
 *
 * @param cpus the CPUs the container may use
 * @param mems the memory nodes the container may use
 * @since 0.1
 */
public record CpuResources(CpuSet cpus, CpuSet mems) {

    /** No cpuset at all: neither CPUs nor memory nodes. */
    public static final CpuResources NONE = new CpuResources(CpuSet.empty(), CpuSet.empty());

    /**
     * Checks the components.
     *
     * @throws NullPointerException if either is null
     */
    public CpuResources {
        Objects.requireNonNull(cpus, "cpus");
        Objects.requireNonNull(mems, "mems");
    }

    /**
     * Parses the two cpulists of an OCI {@code linux.resources.cpu}.
     *
     * @param cpus a cpulist such as {@code "0-3,8"}; empty for none
     * @param mems a cpulist of memory nodes; empty for none
     * @return the parsed resources
     * @throws IllegalArgumentException naming the field when either is not a cpulist; its cause is
     *     the {@link CpuListFormatException}
     */
    public static CpuResources parse(String cpus, String mems) {
        return new CpuResources(parseField("cpus", cpus), parseField("mems", mems));
    }

    /**
     * Reads {@code linux.resources.cpu.cpus} and {@code .mems} from an OCI runtime-spec
     * {@code config.json}. Absent fields, or an absent {@code linux.resources.cpu}, give empty sets;
     * every other field of the file is ignored.
     *
     * @param configJson the bundle's {@code config.json}
     * @return the container's CPU resources
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the file and the field when the file is not JSON, a
     *     field is not a string, or a string is not a cpulist
     */
    public static CpuResources fromOciConfig(Path configJson) throws IOException {
        return OciSpec.cpuResources(Files.readString(configJson), configJson.toString());
    }

    /**
     * As {@link #fromOciConfig(Path)}, for the text of a {@code config.json}.
     *
     * @param configJson the JSON text of an OCI runtime spec
     * @return the container's CPU resources
     * @throws IllegalArgumentException naming the field when the text is not JSON, a field is not a
     *     string, or a string is not a cpulist
     */
    public static CpuResources fromOciJson(String configJson) {
        return OciSpec.cpuResources(configJson, "OCI config");
    }

    /**
     * {@return the CPUs and memory nodes of this or {@code other}}
     *
     * @param other the other container's resources
     */
    public CpuResources union(CpuResources other) {
        return new CpuResources(cpus.union(other.cpus), mems.union(other.mems));
    }

    /** {@return the OCI-style text, such as {@code cpus=0-1 mems=0}} */
    @Override
    public String toString() {
        return "cpus=" + cpus + " mems=" + mems;
    }

    private static CpuSet parseField(String field, String cpulist) {
        Objects.requireNonNull(cpulist, field);
        try {
            return CpuSet.parse(cpulist);
        } catch (CpuListFormatException e) {
            throw new IllegalArgumentException(field + " \"" + cpulist + "\" is not a cpulist: " + e.getMessage(), e);
        }
    }
}
