package kata.pinning.affinity.internal;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.Test;

/**
 * The real libc seen through a lookup that lacks {@code gettid}, as glibc before 2.30 does: the
 * affinity functions still link and work, and the thread id comes from {@code syscall(SYS_gettid)}.
 */
class WithoutGettidTest {

    private static final String ARCH = System.getProperty("os.arch");

    /** {@return the real libc, minus the symbols given} */
    private static SymbolLookup libcWithout(String... missing) {
        List<String> absent = List.of(missing);
        return name -> absent.contains(name) ? Optional.empty() : Libc.LIBC.find(name);
    }

    @Test
    void aLibcWithoutGettidLeavesTheAffinityCallsAvailable() throws Exception {
        SymbolLookup oldGlibc = libcWithout("gettid");
        assertTrue(oldGlibc.find("gettid").isEmpty());

        assertEquals(Optional.empty(), NativeSupport.linkFailure(oldGlibc));
        List<MethodHandle> affinity = Libc.linkAffinity(oldGlibc);
        int tid = ThreadIds.call(ThreadIds.link(oldGlibc, ARCH));
        CallBuffer buffer = CallBuffer.ofCurrentThread(LinuxThreadAffinity.MAX_GET_WORDS);

        int errno = Libc.callWithErrno("sched_getaffinity", affinity.getFirst(), buffer, tid, buffer.capacity());

        assertAll(
                () -> assertEquals(0, errno, () -> "sched_getaffinity failed: " + Errno.name(errno)),
                () -> assertEquals(threadSelfId(), tid, "syscall(SYS_gettid) names the calling thread"),
                () -> assertEquals(new LinuxThreadAffinity(1).get(tid),
                        CpuSet.fromWords(buffer.readMask(buffer.capacity()))));
    }

    @Test
    void theSyscallGivesWhatGettidGives() {
        int fromSymbol = ThreadIds.call(ThreadIds.link(Libc.LIBC, ARCH));
        int fromSyscall = ThreadIds.call(ThreadIds.link(libcWithout("gettid"), ARCH));

        assertEquals(fromSymbol, fromSyscall);
        assertEquals(LinuxThreadAffinity.currentThreadId(), fromSymbol);
    }

    @Test
    void aMissingAffinityFunctionStillMakesTheModuleUnavailable() {
        // The control: the check above can fail, and says which symbol is missing.
        Optional<String> failure = NativeSupport.linkFailure(libcWithout("sched_setaffinity"));

        assertTrue(failure.isPresent());
        assertTrue(failure.get().contains("libc has no function sched_setaffinity"), failure.get());
    }

    @Test
    void withoutGettidOnAnUnknownArchitectureOnlyTheThreadIdIsRefused() {
        SymbolLookup oldGlibc = libcWithout("gettid");

        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> ThreadIds.link(oldGlibc, "sparcv9"));

        assertTrue(e.getMessage().contains("gettid system call on sparcv9"), e.getMessage());
        assertEquals(Optional.empty(), NativeSupport.linkFailure(oldGlibc));
    }

    /** {@return the calling thread's id as procfs names it: {@code /proc/thread-self -> <pid>/task/<tid>}} */
    private static int threadSelfId() throws Exception {
        Path target = Files.readSymbolicLink(Path.of("/proc/thread-self"));
        return Integer.parseInt(target.getFileName().toString());
    }
}
