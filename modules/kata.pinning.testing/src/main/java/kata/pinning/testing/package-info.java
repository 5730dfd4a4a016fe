/**
 * Starts and stops a real QEMU VM for tests ({@link kata.pinning.testing.QemuVm}), and puts
 * failing {@code qemu-system-x86_64} wrappers in front of it ({@link kata.pinning.testing.QemuWrappers}).
 */
package kata.pinning.testing;
