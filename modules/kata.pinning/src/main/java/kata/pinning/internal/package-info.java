/**
 * Not API: the pure pinning rule, the VMM port and its QEMU adapter, and the JSON formats (OCI
 * config and persisted state). Not exported; depend on {@link kata.pinning} instead.
 */
package kata.pinning.internal;
