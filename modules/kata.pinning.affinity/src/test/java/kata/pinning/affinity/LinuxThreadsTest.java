package kata.pinning.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link LinuxThreads} in this JVM, which the build starts with native access for this module. */
class LinuxThreadsTest {

    @Test
    void isAvailableWithTheFlagTheBuildPasses() {
        assertTrue(LinuxThreads.class.getModule().isNativeAccessEnabled(),
                "tests must run with --enable-native-access=kata.pinning.affinity");
        assertEquals(Optional.empty(), LinuxThreads.unavailableReason());
        assertTrue(LinuxThreads.isAvailable());
    }

    @Test
    void currentThreadIdIsTheKernelIdOfTheCallingThread() throws Exception {
        int mine = LinuxThreads.currentThreadId();
        try (Worker worker = new Worker()) {
            assertEquals(ProcFs.threadSelfId(), mine);
            assertEquals(worker.call(ProcFs::threadSelfId), worker.tid());
            assertNotEquals(mine, worker.tid());
            assertTrue(ProcFs.hasThread(worker.tid()));
        }
    }

    @Test
    void processAffinityIsTheMainThreadsMask() {
        long pid = ProcessHandle.current().pid();
        assertEquals(ProcFs.cpusAllowed(pid), LinuxThreads.processAffinity());
        assertEquals(ProcFs.cpusAllowed(pid, Math.toIntExact(pid)), LinuxThreads.processAffinity());
    }
}
