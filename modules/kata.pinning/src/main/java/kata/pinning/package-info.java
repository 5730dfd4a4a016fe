/**
 * vCPU pinning for a VM sandbox: {@link kata.pinning.SandboxResources}, the {@link kata.pinning.Vmm}
 * port with its built-in VMMs, and the types they take and return.
 *
 * @since 0.1
 */
package kata.pinning;
