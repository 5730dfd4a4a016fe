/**
 * Test support for kata-pinning's integration tests, not a published library:
 * {@link kata.pinning.testing.QemuVm} starts a real, paused QEMU VM with a QMP socket and stops it
 * by its own pid; {@link kata.pinning.testing.InstantQmpServer} answers QMP commands at once on many
 * UNIX sockets from one thread.
 */
module kata.pinning.testing {
    requires org.junit.jupiter.api; // assumeQemu() skips a test (Assumptions) or fails it (Assertions)

    exports kata.pinning.testing;
}
