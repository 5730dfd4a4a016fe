/**
 * Implementation of {@code kata.pinning.config}, not exported: reading TOML files with night-config
 * into plain immutable trees, the drop-in deep merge with the file each value came from, typed
 * reading of the few keys this project uses, vCPU sizing, and the pinning annotations.
 *
 * <p>Nothing here is API; other modules use {@link kata.pinning.config.KataConfig} only.
 */
package kata.pinning.config.internal;
