package kata.pinning.config.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import kata.pinning.config.HypervisorConfig;
import kata.pinning.config.PinningSetting;
import kata.pinning.config.RuntimeConfig;

/**
 * The typed values this project reads from a merged configuration.
 *
 * <p>The hypervisor table is {@code [hypervisor.<runtime.hypervisor_name>]}. When
 * {@code hypervisor_name} is absent or empty (Go-runtime files never set it), the only
 * {@code [hypervisor.*]} table is used; with no such table the hypervisor is {@code qemu} with
 * default sizes; with several, the name is required.
 *
 * @param runtime       the {@code [runtime]} values
 * @param hypervisor    the hypervisor table's adjusted vCPU sizing
 * @param pinning       {@code enable_vcpus_pinning} and the layer that set it
 * @param pinningOrigin the file that set {@code enable_vcpus_pinning}, if any did
 */
public record KataSettings(RuntimeConfig runtime, HypervisorConfig hypervisor, PinningSetting pinning,
                           Optional<Path> pinningOrigin) {

    /** The hypervisor when the configuration has no {@code [hypervisor.*]} table at all. */
    public static final String DEFAULT_HYPERVISOR = "qemu";

    private static final long U32_MAX = 0xFFFF_FFFFL;

    /**
     * @param merged   the merged configuration
     * @param hostCpus the CPUs available to this process, at least 1
     * @throws ConfigProblem if a key has the wrong type or the hypervisor table cannot be chosen
     */
    public static KataSettings resolve(MergedToml merged, int hostCpus) {
        TypedTree tree = new TypedTree(merged);
        Optional<Boolean> pin = tree.bool("runtime", "enable_vcpus_pinning");
        boolean sandboxOnly = tree.bool("runtime", "sandbox_cgroup_only").orElse(false);
        String name = hypervisorName(tree, merged);

        double vcpus = tree.number("hypervisor", name, "default_vcpus").orElse(0.0);
        long maxVcpus = tree.integer(0, U32_MAX, "hypervisor", name, "default_maxvcpus").orElse(0L);
        VcpuSizing sizing = VcpuSizing.adjust(vcpus, maxVcpus, hostCpus);

        Optional<Path> origin = pin.flatMap(v -> merged.origin(List.of("runtime", "enable_vcpus_pinning")));
        PinningSetting pinning = pin
                .map(v -> new PinningSetting(v, origin.orElseThrow().equals(merged.base())
                        ? PinningSetting.Source.FILE : PinningSetting.Source.DROP_IN))
                .orElse(PinningSetting.DEFAULT);
        return new KataSettings(
                new RuntimeConfig(pinning.enabled(), sandboxOnly, name),
                new HypervisorConfig(name, sizing.defaultVcpus(), sizing.defaultMaxVcpus()),
                pinning, origin);
    }

    private static String hypervisorName(TypedTree tree, MergedToml merged) {
        Map<String, Object> tables = tree.table("hypervisor").orElse(Map.of());
        tables.keySet().forEach(key -> tree.table("hypervisor", key));
        Optional<String> named = tree.string("runtime", "hypervisor_name").filter(s -> !s.isEmpty());
        if (named.isPresent()) {
            if (!tables.containsKey(named.get())) {
                throw tree.problem(new String[] {"runtime", "hypervisor_name"}, "names hypervisor "
                        + TypedTree.quote(named.get()) + " but there is no [hypervisor." + named.get()
                        + "] table" + listed(tables));
            }
            return named.get();
        }
        return switch (tables.size()) {
            case 0 -> DEFAULT_HYPERVISOR;
            case 1 -> tables.keySet().stream().filter(k -> !k.isEmpty()).findFirst().orElseThrow(() ->
                    ConfigProblem.at(merged.base(), "hypervisor", "a hypervisor table needs a non-empty name"));
            default -> throw ConfigProblem.at(merged.base(), "runtime.hypervisor_name",
                    "is required to choose among several hypervisor tables" + listed(tables));
        };
    }

    private static String listed(Map<String, Object> tables) {
        return tables.isEmpty() ? "" : " (found: " + String.join(", ", new TreeSet<>(tables.keySet())) + ")";
    }
}
