package kata.pinning.config;

import java.io.IOException;
import java.lang.System.Logger;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import kata.pinning.config.internal.ConfigProblem;
import kata.pinning.config.internal.KataSettings;
import kata.pinning.config.internal.MergedToml;
import kata.pinning.config.internal.PinningAnnotations;

/**
 * A loaded Kata Containers configuration: the base TOML file with its drop-ins merged, reduced to
 * the immutable values vCPU pinning needs. The main entry point of this module.
 *
 * <p><b>Search order</b> of {@link #load()}: the file named by the {@value #CONF_FILE_ENV} environment
 * variable when it is set and not empty (it must exist: there is no fallback), otherwise the first
 * existing file of {@link #defaultSearchPath()}.
 *
 * <p><b>Drop-ins</b>: every regular {@code *.toml} file in the {@code config.d} directory beside the
 * base file, resolved through symlinks first, as Kata does, is merged over it in file-name order:
 * tables merge key by key, any other value (arrays too) replaces the earlier one. Other files in
 * {@code config.d} are ignored.
 *
 * <p><b>Keys read</b>: {@code runtime.enable_vcpus_pinning}, {@code runtime.sandbox_cgroup_only},
 * {@code runtime.hypervisor_name}, the kata-pinning extension {@code runtime.vcpus_pinning_policy},
 * and {@code default_vcpus}, {@code default_maxvcpus}, {@code enable_numa} and {@code numa_mapping}
 * of the hypervisor table in use (see {@link RuntimeConfig#hypervisorName()}). Unknown keys are ignored; a
 * known key of the wrong type is a {@link ConfigException}, never a default.
 *
 * <p><b>Pods</b>: {@link #forPod(Map)} applies the pod annotation {@value PodConfig#PINNING_ANNOTATION}
 * (or the Go runtime's alias {@value PodConfig#GO_PINNING_ANNOTATION}). Runtime annotations are not
 * allow-listed: in runtime-rs only hypervisor annotations go through the hypervisor's
 * {@code enable_annotations} list, so this one always applies, as it does there.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @since 0.1
 */
public final class KataConfig {

    /** The environment variable that names the configuration file, as in Kata. */
    public static final String CONF_FILE_ENV = "KATA_CONF_FILE";

    private static final List<Path> DEFAULT_SEARCH_PATH = List.of(
            Path.of("/etc/kata-containers/runtime-rs/configuration.toml"),
            Path.of("/usr/share/defaults/kata-containers/runtime-rs/configuration.toml"),
            Path.of("/opt/kata/share/defaults/kata-containers/runtime-rs/configuration.toml"));

    private static final Logger LOG = System.getLogger(KataConfig.class.getModule().isNamed()
            ? KataConfig.class.getModule().getName() : KataConfig.class.getPackageName());

    private final Path source;
    private final List<Path> dropIns;
    private final KataSettings settings;
    private final CgroupConfig cgroupConfig;

    private KataConfig(MergedToml merged, KataSettings settings) {
        this.source = merged.base();
        this.dropIns = merged.dropIns();
        this.settings = settings;
        this.cgroupConfig = CgroupConfig.of(settings.runtime());
    }

    /**
     * {@return the runtime-rs default configuration files, in the order {@link #load()} tries them}
     */
    public static List<Path> defaultSearchPath() {
        return DEFAULT_SEARCH_PATH;
    }

    /**
     * Loads the configuration Kata would use: {@value #CONF_FILE_ENV}, else the first existing file of
     * {@link #defaultSearchPath()}, with its drop-ins.
     *
     * @return the loaded configuration
     * @throws ConfigException if no file is found, or loading it fails as for {@link #load(Path)}
     */
    public static KataConfig load() {
        return load(System::getenv, DEFAULT_SEARCH_PATH);
    }

    /**
     * Loads {@code file} and the {@code config.d/*.toml} drop-ins beside it.
     *
     * @param file the base configuration file; symlinks are resolved before looking for drop-ins
     * @return the loaded configuration
     * @throws ConfigException if a file is missing or unreadable or not valid TOML, a known key has
     *                         the wrong type, or the hypervisor table cannot be chosen
     */
    public static KataConfig load(Path file) {
        return load(file, Runtime.getRuntime().availableProcessors());
    }

    /**
     * {@return the file {@link #load()} would read: {@value #CONF_FILE_ENV}, else the first existing
     * file of {@link #defaultSearchPath()}; empty when there is none}
     *
     * @throws ConfigException if {@value #CONF_FILE_ENV} is not a valid path
     * @since 0.2
     */
    public static Optional<Path> locate() {
        return locate(System::getenv, DEFAULT_SEARCH_PATH);
    }

    /** {@link #locate()} with the environment and the search path given, for tests. */
    static Optional<Path> locate(UnaryOperator<String> env, List<Path> searchPath) {
        String named = env.apply(CONF_FILE_ENV);
        if (named != null && !named.isEmpty()) {
            try {
                return Optional.of(Path.of(named));
            } catch (InvalidPathException e) {
                throw ConfigException.of(new ConfigProblem(null, "", 0,
                        CONF_FILE_ENV + " is not a valid path: " + e.getMessage(), e));
            }
        }
        return searchPath.stream().filter(Files::exists).findFirst();
    }

    /** {@link #load()} with the environment and the search path given, for tests. */
    static KataConfig load(UnaryOperator<String> env, List<Path> searchPath) {
        return load(locate(env, searchPath).orElseThrow(() -> ConfigException.of(
                ConfigProblem.at(null, "", "no Kata configuration file found: " + CONF_FILE_ENV
                        + " is not set and none of these exists: "
                        + searchPath.stream().map(Path::toString).collect(Collectors.joining(", "))))));
    }

    /** {@link #load(Path)} with the host CPU count given, for tests. */
    static KataConfig load(Path file, int hostCpus) {
        Objects.requireNonNull(file, "file");
        try {
            MergedToml merged = MergedToml.load(realFile(file));
            return new KataConfig(merged, KataSettings.resolve(merged, hostCpus));
        } catch (ConfigProblem p) {
            throw ConfigException.of(p);
        }
    }

    private static Path realFile(Path file) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            throw new ConfigProblem(file, "", 0, "no such file", e);
        } catch (IOException e) {
            throw new ConfigProblem(file, "", 0, "cannot resolve: " + e, e);
        }
        if (!Files.isRegularFile(real)) {
            throw ConfigProblem.at(real, "", "not a regular file");
        }
        return real;
    }

    /**
     * The effective configuration of one pod: this configuration with the pod's pinning annotation
     * applied. This configuration is not changed.
     *
     * <p>The annotation {@value PodConfig#PINNING_ANNOTATION}, or its deprecated alias
     * {@value PodConfig#GO_PINNING_ANNOTATION} (which logs a warning), takes Go's
     * {@code strconv.ParseBool} spellings after trimming surrounding whitespace: {@code 1}, {@code t},
     * {@code T}, {@code TRUE}, {@code true}, {@code True}, {@code 0}, {@code f}, {@code F},
     * {@code FALSE}, {@code false}, {@code False}.
     *
     * @param annotations the pod's OCI annotations; other keys are ignored
     * @return the pod's effective configuration
     * @throws ConfigException if an annotation value is not one of those spellings (the exception
     *                         names the annotation and the value), or both keys are set and disagree
     */
    public PodConfig forPod(Map<String, String> annotations) {
        Objects.requireNonNull(annotations, "annotations");
        Optional<Boolean> annotated;
        try {
            annotated = PinningAnnotations.resolve(annotations, LOG);
        } catch (ConfigProblem p) {
            throw ConfigException.of(p);
        }
        PinningSetting pinning = annotated
                .map(enabled -> new PinningSetting(enabled, PinningSetting.Source.ANNOTATION))
                .orElse(settings.pinning());
        return new PodConfig(this, pinning, hypervisor().defaultVcpus(),
                cgroupConfig.withEnableVcpusPinning(pinning.enabled()));
    }

    /** {@return the {@code [runtime]} values} */
    public RuntimeConfig runtime() {
        return settings.runtime();
    }

    /** {@return the vCPU sizing of the hypervisor table in use} */
    public HypervisorConfig hypervisor() {
        return settings.hypervisor();
    }

    /**
     * {@return the cgroup settings before any sandbox is known; see
     * {@link CgroupConfig#forSandbox(String, Optional)} for one sandbox's paths}
     */
    public CgroupConfig cgroupConfig() {
        return cgroupConfig;
    }

    /** {@return {@code runtime.enable_vcpus_pinning} and whether the base file or a drop-in set it} */
    public PinningSetting pinning() {
        return settings.pinning();
    }

    /**
     * {@return the file whose {@code enable_vcpus_pinning} is in effect: the base file or the last
     * drop-in that set it; empty when none did}
     */
    public Optional<Path> pinningOrigin() {
        return settings.pinningOrigin();
    }

    /**
     * {@return {@code runtime.vcpus_pinning_policy}, a kata-pinning extension key, and whether the
     * base file or a drop-in set it; {@link PolicySetting#DEFAULT} when none did}
     *
     * @since 0.2
     */
    public PolicySetting policy() {
        return settings.policy();
    }

    /**
     * {@return the file whose {@code vcpus_pinning_policy} is in effect; empty when none sets it}
     *
     * @since 0.2
     */
    public Optional<Path> policyOrigin() {
        return settings.policyOrigin();
    }

    /**
     * {@return {@code enable_numa} and {@code numa_mapping} of the hypervisor table in use}
     *
     * @since 0.2
     */
    public NumaConfig numa() {
        return settings.numa();
    }

    /** {@return the base configuration file, with symlinks resolved} */
    public Path source() {
        return source;
    }

    /** {@return the drop-in files merged over the base file, in the order they were merged} */
    public List<Path> dropIns() {
        return dropIns;
    }

    @Override
    public String toString() {
        return "KataConfig[source=" + source + ", dropIns=" + dropIns + ", runtime=" + runtime()
                + ", hypervisor=" + hypervisor() + ", pinning=" + pinning() + ", policy=" + policy()
                + ", numa=" + numa() + "]";
    }
}
