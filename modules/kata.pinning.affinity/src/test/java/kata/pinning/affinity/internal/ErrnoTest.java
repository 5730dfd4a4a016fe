package kata.pinning.affinity.internal;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import kata.pinning.affinity.AffinityException;
import kata.pinning.affinity.AffinityException.Reason;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * errno names and what {@link AffinityException} makes of them, including {@code EPERM}, which the
 * kernel tests cannot provoke while running as root.
 */
class ErrnoTest {

    @ParameterizedTest
    @CsvSource({
        "1, EPERM, NOT_PERMITTED",
        "3, ESRCH, NO_SUCH_THREAD",
        "22, EINVAL, INVALID_MASK",
        "14, EFAULT, OTHER",
        "16, EBUSY, OTHER",
        "999, errno 999, OTHER"})
    void namesAndReasons(int errno, String name, Reason reason) {
        AffinityException e = new AffinityException("sched_setaffinity", errno, Errno.name(errno), 42, CpuSet.of(0, 2));

        assertAll(
                () -> assertEquals(name, e.errnoName()),
                () -> assertEquals(errno, e.errno()),
                () -> assertEquals(reason, e.reason()),
                () -> assertEquals(Optional.of(CpuSet.of(0, 2)), e.requestedCpus()),
                () -> assertTrue(e.getMessage().startsWith("sched_setaffinity(tid 42, cpus 0,2) failed: " + name),
                        e.getMessage()));
    }

    @Test
    void aReadNamesNoCpus() {
        AffinityException e = new AffinityException("sched_getaffinity", 3, "ESRCH", 7, null);

        assertEquals(Optional.empty(), e.requestedCpus());
        assertEquals("sched_getaffinity(tid 7) failed: ESRCH (errno 3): no such thread", e.getMessage());
    }
}
