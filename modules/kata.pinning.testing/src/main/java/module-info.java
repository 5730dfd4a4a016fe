/**
 * Test support for kata-pinning's integration tests, not a published library:
 * {@link kata.pinning.testing.QemuVm} starts a real, paused QEMU VM with a QMP socket and stops it
 * by its own pid, {@link kata.pinning.testing.QemuWrappers} writes {@code qemu-system-x86_64}
 * wrappers that fail the way some hosts make QEMU fail, and
 * {@link kata.pinning.testing.InstantQmpServer} answers QMP commands at once on many UNIX sockets
 * from one thread.
 */
module kata.pinning.testing {
    requires org.junit.jupiter.api; // assumeQemu() skips a test (Assumptions) or fails it (Assertions)
    requires transitive kata.pinning.launcher; // starts QEMU; QemuChoice and RunningQemu appear in QemuVm's API

    exports kata.pinning.testing;
}
