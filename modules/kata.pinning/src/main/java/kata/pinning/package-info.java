/**
 * vCPU pinning for a QEMU sandbox: {@link kata.pinning.SandboxResources} and the types it takes
 * and returns.
 *
 * @since 0.1
 */
package kata.pinning;
