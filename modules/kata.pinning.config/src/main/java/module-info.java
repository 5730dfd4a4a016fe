/**
 * Kata Containers configuration for vCPU pinning: the TOML file and its {@code config.d/} drop-ins,
 * read into immutable records ({@link kata.pinning.config.KataConfig}), and the per-pod view that
 * applies the {@code enable_vcpus_pinning} annotation ({@link kata.pinning.config.PodConfig}).
 *
 * <p>Runtime annotations are not allow-listed: as in Kata's runtime-rs, only hypervisor annotations
 * pass through {@code enable_annotations}, so the pinning annotation always applies.
 */
module kata.pinning.config {
    requires com.electronwill.nightconfig.toml; // parses the TOML text of the base file and drop-ins
    requires com.electronwill.nightconfig.core; // UnmodifiableConfig, the tree type the TOML parser returns

    exports kata.pinning.config; // loading, merging and typed reading live in kata.pinning.config.internal
}
