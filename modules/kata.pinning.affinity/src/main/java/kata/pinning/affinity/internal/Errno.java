package kata.pinning.affinity.internal;

/**
 * Symbolic names of the errno values the affinity calls can set.
 *
 * <p>A fixed table rather than {@code strerror}, which is not thread-safe, or {@code strerror_r},
 * which glibc has in two incompatible variants. The numbers are those of {@code
 * <asm-generic/errno-base.h>}, the same on every Linux architecture.
 */
final class Errno {

    /** Operation not permitted: the caller lacks {@code CAP_SYS_NICE} over the thread. */
    static final int EPERM = 1;
    /** No such process: the thread id names no live thread. */
    static final int ESRCH = 3;
    /** Invalid argument: no usable CPU in the mask, or a mask too small to read into. */
    static final int EINVAL = 22;

    private Errno() {
    }

    /**
     * {@return the symbolic name of {@code errno}, such as {@code "ESRCH"}, or {@code "errno N"} for
     * a value outside the table}
     *
     * @param errno an errno value
     */
    static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ESRCH -> "ESRCH";
            case 4 -> "EINTR";
            case 11 -> "EAGAIN";
            case 12 -> "ENOMEM"; // the kernel could not allocate its temporary cpumask
            case 13 -> "EACCES";
            case 14 -> "EFAULT"; // the mask pointer is bad: a bug in this binding
            case 16 -> "EBUSY"; // sched_setaffinity on a SCHED_DEADLINE task
            case EINVAL -> "EINVAL";
            default -> "errno " + errno;
        };
    }
}
