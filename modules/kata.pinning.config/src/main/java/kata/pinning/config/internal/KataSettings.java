package kata.pinning.config.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import kata.pinning.config.HypervisorConfig;
import kata.pinning.config.NumaConfig;
import kata.pinning.config.PinningPolicy;
import kata.pinning.config.PinningSetting;
import kata.pinning.config.PolicySetting;
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
 * @param policy        {@code vcpus_pinning_policy} and the layer that set it
 * @param policyOrigin  the file that set {@code vcpus_pinning_policy}, if any did
 * @param numa          {@code enable_numa} and {@code numa_mapping} of the hypervisor table
 */
public record KataSettings(RuntimeConfig runtime, HypervisorConfig hypervisor, PinningSetting pinning,
                           Optional<Path> pinningOrigin, PolicySetting policy, Optional<Path> policyOrigin,
                           NumaConfig numa) {

    /** The hypervisor when the configuration has no {@code [hypervisor.*]} table at all. */
    public static final String DEFAULT_HYPERVISOR = "qemu";

    /** The kata-pinning extension key of {@code [runtime]} that chooses the placement policy. */
    public static final String POLICY_KEY = "vcpus_pinning_policy";

    private static final long U32_MAX = 0xFFFF_FFFFL;
    /** A host-node list as {@code numa_mapping} takes it: {@code 0}, {@code 0-1}, {@code 0,2-3}. */
    private static final Pattern NODE_LIST = Pattern.compile("\\s*\\d+(-\\d+)?(\\s*,\\s*\\d+(-\\d+)?)*\\s*");

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
        Optional<Path> policyOrigin = tree.string("runtime", POLICY_KEY)
                .flatMap(v -> merged.origin(List.of("runtime", POLICY_KEY)));
        PolicySetting policy = policy(tree, merged, policyOrigin);
        return new KataSettings(
                new RuntimeConfig(pinning.enabled(), sandboxOnly, name),
                new HypervisorConfig(name, sizing.defaultVcpus(), sizing.defaultMaxVcpus()),
                pinning, origin, policy, policyOrigin, numa(tree, name));
    }

    private static PolicySetting policy(TypedTree tree, MergedToml merged, Optional<Path> origin) {
        String[] key = {"runtime", POLICY_KEY};
        return tree.string(key).map(text -> {
            try {
                return new PolicySetting(PinningPolicy.fromConfigName(text), origin.orElseThrow().equals(merged.base())
                        ? PolicySetting.Source.FILE : PolicySetting.Source.DROP_IN);
            } catch (IllegalArgumentException e) {
                throw tree.problem(key, "must be " + PinningPolicy.allowedNames() + ", found " + TypedTree.describe(text));
            }
        }).orElse(PolicySetting.DEFAULT);
    }

    private static NumaConfig numa(TypedTree tree, String hypervisor) {
        boolean enabled = tree.bool("hypervisor", hypervisor, "enable_numa").orElse(false);
        String[] key = {"hypervisor", hypervisor, "numa_mapping"};
        List<String> mapping = tree.stringList(key).orElse(List.of());
        for (String hostNodes : mapping) {
            if (!NODE_LIST.matcher(hostNodes).matches()) {
                throw tree.problem(key, "each entry must be a list of host NUMA nodes such as \"0\" or \"0-1\", found "
                        + TypedTree.describe(hostNodes));
            }
        }
        return new NumaConfig(enabled, mapping);
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
