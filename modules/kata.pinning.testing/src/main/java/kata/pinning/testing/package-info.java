/**
 * Real processes for tests: {@link kata.pinning.testing.QemuVm} starts and stops a real QEMU VM,
 * {@link kata.pinning.testing.NamedThreads} a process whose threads carry a VMM's vCPU thread names.
 */
package kata.pinning.testing;
