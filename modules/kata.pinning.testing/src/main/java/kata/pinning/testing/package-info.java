/**
 * Real processes for tests: {@link kata.pinning.testing.QemuVm} starts and stops a real QEMU VM,
 * {@link kata.pinning.testing.QemuWrappers} puts failing {@code qemu-system-x86_64} wrappers in
 * front of it, and {@link kata.pinning.testing.NamedThreads} starts a process whose threads carry a
 * VMM's vCPU thread names.
 */
package kata.pinning.testing;
