/**
 * Starts and stops a real QEMU VM for tests: see {@link kata.pinning.testing.QemuVm}.
 */
package kata.pinning.testing;
