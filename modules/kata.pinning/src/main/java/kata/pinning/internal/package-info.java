/**
 * Not API: the pure pinning rule, the built-in VMMs (QEMU over QMP, and vCPU threads found by name
 * under procfs), and the JSON formats (OCI config and persisted state). Not exported; depend on
 * {@link kata.pinning} instead.
 */
package kata.pinning.internal;
