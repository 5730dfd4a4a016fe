package kata.pinning.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import kata.pinning.config.KataConfig;
import kata.pinning.config.PolicySetting;
import kata.pinning.config.PodConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code config}: the pinning settings a sandbox would get from the configuration and annotations. */
@Command(name = "config",
        description = {
            "Show the effective pinning settings.",
            "Reads the Kata configuration (--config, else Kata's search order) with its config.d/ drop-ins, "
                    + "and applies the --annotation values. Source says which layer decided enable_vcpus_pinning, "
                    + "policySource which decided the placement policy (--policy wins over the files)."},
        footerHeading = "%nJSON (--json):%n",
        footer = {
            "  {\"enableVcpusPinning\":true, \"source\":\"default|file|drop-in|annotation\",",
            "   \"defaultVcpus\":2, \"defaultMaxVcpus\":4, \"hypervisor\":\"qemu\",",
            "   \"sandboxCgroupOnly\":false, \"file\":\"...\", \"dropIns\":[\"...\"],",
            "   \"pinningOrigin\":\"...\", \"policy\":\"exact|fit\",",
            "   \"policySource\":\"default|file|drop-in|flag\"}"})
final class ConfigCommand implements Callable<Integer> {

    @ParentCommand
    private KataPinning root;

    /**
     * The JSON document.
     *
     * @param enableVcpusPinning the effective {@code enable_vcpus_pinning}
     * @param source where it came from: {@code default}, {@code file}, {@code drop-in} or {@code annotation}
     * @param defaultVcpus the vCPUs a VM boots with
     * @param defaultMaxVcpus the most vCPUs a VM can have
     * @param hypervisor the hypervisor table in use
     * @param sandboxCgroupOnly whether every Kata thread lives in the sandbox cgroup
     * @param file the base configuration file
     * @param dropIns the drop-ins merged over it, in order
     * @param pinningOrigin the file that set {@code enable_vcpus_pinning}, or null
     * @param policy the placement policy a new sandbox gets: {@code exact} or {@code fit}
     * @param policySource where it came from: {@code default}, {@code file}, {@code drop-in} or {@code flag}
     */
    record Settings(boolean enableVcpusPinning, String source, int defaultVcpus, int defaultMaxVcpus,
            String hypervisor, boolean sandboxCgroupOnly, String file, List<String> dropIns, String pinningOrigin,
            String policy, String policySource) {
    }

    @Override
    public Integer call() {
        PodConfig pod = LiveSandbox.podConfig(root.options());
        KataConfig config = pod.base();
        PolicySetting policy = root.options().policyOf(pod);
        Settings settings = new Settings(pod.pinning().enabled(), sourceOf(pod.pinning().source()), pod.defaultVcpus(),
                config.hypervisor().defaultMaxVcpus(), config.hypervisor().name(), pod.cgroupConfig().sandboxCgroupOnly(),
                config.source().toString(), config.dropIns().stream().map(Path::toString).toList(),
                config.pinningOrigin().map(Path::toString).orElse(null),
                policy.policy().configName(), sourceOf(policy.source()));
        root.output().print(settings, () -> text(settings));
        return KataPinning.OK;
    }

    private static String sourceOf(Enum<?> source) {
        return source.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String policyOrigin(String source) {
        return switch (source) {
            case "flag" -> "set by --policy";
            case "default" -> "the default: no file sets it";
            default -> "set by the " + source;
        };
    }

    private static String text(Settings s) {
        String origin = switch (s.source()) {
            case "annotation" -> "set by the pod annotation";
            case "default" -> "the default: no file sets it";
            default -> "set by the " + s.source() + " " + s.pinningOrigin();
        };
        return String.join("\n",
                "enable_vcpus_pinning = " + s.enableVcpusPinning() + "  (" + origin + ")",
                "vcpus_pinning_policy = " + s.policy() + "  (" + policyOrigin(s.policySource()) + ")",
                "default_vcpus        = " + s.defaultVcpus(),
                "default_maxvcpus     = " + s.defaultMaxVcpus(),
                "hypervisor           = " + s.hypervisor(),
                "sandbox_cgroup_only  = " + s.sandboxCgroupOnly(),
                "configuration file   = " + s.file(),
                "drop-ins             = " + (s.dropIns().isEmpty() ? "(none)" : String.join(", ", s.dropIns())));
    }
}
