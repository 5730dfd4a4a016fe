package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file's lock against another process that holds it, and the kernel's table of locks. */
class StateLockTest {

    @TempDir
    Path dir;

    @Test
    void aLockHeldByAnotherProcessTimesOutNamingTheFileAndItsPid() throws Exception {
        Path state = dir.resolve("state.json");
        Process holder = LockHolder.start(StateLock.lockFileOf(state));
        try {
            long start = System.nanoTime();
            StateLock.LockTimeoutException e = assertThrows(StateLock.LockTimeoutException.class,
                    () -> StateLock.acquire(state, Duration.ofMillis(300)));
            long waited = System.nanoTime() - start;

            assertTrue(waited >= Duration.ofMillis(300).toNanos(), "waited " + waited + " ns");
            assertTrue(e.getMessage().contains("the state file " + state + " is locked"), e.getMessage());
            assertTrue(e.getMessage().contains("(pid " + holder.pid() + ")"), e.getMessage());
            assertEquals(OptionalLong.of(holder.pid()), ProcLocks.holderOf(StateLock.lockFileOf(state)));
        } finally {
            holder.destroyForcibly().waitFor();
        }
        // The kernel released the dead holder's lock: it is free at once.
        try (StateLock lock = StateLock.acquire(state, Duration.ZERO)) {
            assertEquals(OptionalLong.of(ProcessHandle.current().pid()), ProcLocks.holderOf(StateLock.lockFileOf(state)));
        }
    }

    @Test
    void aWaitingCommandGetsTheLockWhenTheHolderReleasesIt() throws Exception {
        Path state = dir.resolve("state.json");
        Process holder = LockHolder.start(StateLock.lockFileOf(state));
        Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(200);
                holder.getOutputStream().close(); // the holder leaves and releases its lock
            } catch (Exception e) {
                holder.destroyForcibly();
            }
        });
        try (StateLock lock = StateLock.acquire(state, Duration.ofSeconds(20))) {
            assertTrue(holder.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    void aSecondCommandInThisJvmWaitsToo() throws Exception {
        Path state = dir.resolve("state.json");
        try (StateLock first = StateLock.acquire(state, Duration.ZERO)) {
            StateLock.LockTimeoutException e = assertThrows(StateLock.LockTimeoutException.class,
                    () -> StateLock.acquire(state, Duration.ZERO));
            assertTrue(e.getMessage().contains("(pid " + ProcessHandle.current().pid() + ")"), e.getMessage());
        }
        assertTrue(Files.exists(StateLock.lockFileOf(state)), "the lock file stays, so all commands lock one file");
    }

    @Test
    void aLockFileThatCannotBeOpenedIsNamed() throws Exception {
        Path state = dir.resolve("state.json");
        Files.createDirectory(StateLock.lockFileOf(state));

        IOException e = assertThrows(IOException.class, () -> StateLock.acquire(state, Duration.ZERO));

        assertTrue(e.getMessage().startsWith("cannot open " + StateLock.lockFileOf(state) + " to lock the state file "
                + state + ": "), e.getMessage());
    }

    @Test
    void aNegativeLockTimeoutIsAUsageError() {
        InProcess.Result bad = InProcess.run("--lock-timeout", "-1", "--qmp", "q.sock",
                "--pid", Long.toString(ProcessHandle.current().pid()), "--state", dir.resolve("s.json").toString(),
                "vm-started");

        assertEquals(KataPinning.BAD_INPUT, bad.exitCode(), bad::toString);
        assertTrue(bad.stderr().startsWith("kata-pinning: --lock-timeout -1: "), bad::toString);
        assertEquals(List.of(), List.of(dir.toFile().list()), "nothing was created");
    }

    @Test
    void waitersInProcLocksHoldNothing() {
        List<String> table = List.of(
                "1: POSIX  ADVISORY  WRITE 4242 fe:00:77 0 EOF",
                "1: -> POSIX  ADVISORY  WRITE 4343 fe:00:77 0 EOF",
                "2: OFDLCK ADVISORY  WRITE -1 fe:00:78 0 EOF");

        assertEquals(OptionalLong.of(4242), ProcLocks.holder(table, "fe:00:77"));
        assertEquals(OptionalLong.empty(), ProcLocks.holder(table, "fe:00:78"), "an OFD lock names no pid");
        assertEquals(OptionalLong.empty(), ProcLocks.holder(table.subList(1, 2), "fe:00:77"));
    }
}
