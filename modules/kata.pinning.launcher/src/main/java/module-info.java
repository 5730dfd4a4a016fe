/**
 * Starts a real, paused QEMU x86_64 with a QMP socket, for the demo of {@code kata-pinning} and for
 * the project's tests: {@link kata.pinning.launcher.QemuLauncher} tries KVM with {@code -cpu host},
 * KVM with {@code -cpu qemu64}, then TCG with {@code -cpu max}, and counts QEMU as started only
 * once it has answered on its QMP socket.
 *
 * <p>It needs nothing but the JDK: the readiness check speaks just enough QMP itself, so the QMP
 * client's own tests can start QEMU through this module.
 */
module kata.pinning.launcher {
    exports kata.pinning.launcher; // the launcher, its choices and reports; ...launcher.internal stays hidden
}
