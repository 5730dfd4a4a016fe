/**
 * The Kata Containers configuration that vCPU pinning depends on.
 *
 * <p>{@link kata.pinning.config.KataConfig#load()} finds the configuration file the way Kata does
 * ({@code KATA_CONF_FILE}, then the runtime-rs default paths), deep-merges the {@code config.d/*.toml}
 * drop-ins over it, and exposes immutable records: {@link kata.pinning.config.RuntimeConfig},
 * {@link kata.pinning.config.HypervisorConfig} and {@link kata.pinning.config.CgroupConfig}.
 * {@link kata.pinning.config.KataConfig#forPod(java.util.Map)} applies a pod's
 * {@code io.katacontainers.config.runtime.enable_vcpus_pinning} annotation without changing the
 * loaded configuration. Every problem, from bad TOML to a wrong value type to a bad annotation, is a
 * {@link kata.pinning.config.ConfigException} naming the file, the key and, when known, the line.
 */
package kata.pinning.config;
