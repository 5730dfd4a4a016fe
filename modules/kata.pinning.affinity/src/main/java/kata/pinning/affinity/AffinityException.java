package kata.pinning.affinity;

import java.util.Optional;
import kata.pinning.cpuset.CpuSet;

/**
 * The kernel refused to read or set a thread's CPU affinity.
 *
 * <p>It carries the {@code errno} the call set, its symbolic name, the thread id and, for a set, the
 * CPUs that were asked for. {@link #reason()} sorts the failure into what a caller acts on:
 * <ul>
 *   <li>{@link Reason#NO_SUCH_THREAD} ({@code ESRCH}): the thread has exited or never existed;
 *   <li>{@link Reason#INVALID_MASK} ({@code EINVAL}): no CPU of the mask is online and allowed
 *       for the thread, or the mask is smaller than the kernel's;
 *   <li>{@link Reason#NOT_PERMITTED} ({@code EPERM}): the caller may not change that thread;
 *   <li>{@link Reason#OTHER}: any other errno.
 * </ul>
 *
 * @since 0.1
 */
public final class AffinityException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What a failed affinity call means for the caller. */
    public enum Reason {
        /** {@code ESRCH}: no thread with that id. */
        NO_SUCH_THREAD,
        /** {@code EINVAL}: the mask holds no usable CPU, or is too small for the kernel. */
        INVALID_MASK,
        /** {@code EPERM}: not allowed to change that thread's affinity. */
        NOT_PERMITTED,
        /** Any other errno. */
        OTHER
    }

    /** The errno the failed call set. */
    private final int errno;
    /** Its symbolic name, such as {@code ESRCH}. */
    private final String errnoName;
    /** The thread id the call was made for. */
    private final int threadId;
    /** The CPUs asked for, or null for a read; not serialized, as CpuSet is not serializable. */
    private final transient CpuSet requested;

    /**
     * Creates the exception for a failed call.
     *
     * @param operation the libc function that failed, such as {@code sched_setaffinity}
     * @param errno the errno it set
     * @param errnoName the symbolic name of {@code errno}, such as {@code ESRCH}
     * @param threadId the thread id the call was made for
     * @param requested the CPUs asked for, or null for a read
     */
    public AffinityException(String operation, int errno, String errnoName, int threadId, CpuSet requested) {
        super(operation + "(tid " + threadId + (requested == null ? "" : ", cpus " + requested) + ") failed: "
                + errnoName + " (errno " + errno + "): " + describe(reasonOf(errnoName)));
        this.errno = errno;
        this.errnoName = errnoName;
        this.threadId = threadId;
        this.requested = requested;
    }

    /** {@return the errno the call set} */
    public int errno() {
        return errno;
    }

    /** {@return the symbolic errno name, such as {@code ESRCH}} */
    public String errnoName() {
        return errnoName;
    }

    /** {@return the thread id the call was made for} */
    public int threadId() {
        return threadId;
    }

    /** {@return the CPUs that were asked for; empty for a read} */
    public Optional<CpuSet> requestedCpus() {
        return Optional.ofNullable(requested);
    }

    /** {@return what the failure means} */
    public Reason reason() {
        return reasonOf(errnoName);
    }

    private static Reason reasonOf(String errnoName) {
        return switch (errnoName) {
            case "ESRCH" -> Reason.NO_SUCH_THREAD;
            case "EINVAL" -> Reason.INVALID_MASK;
            case "EPERM" -> Reason.NOT_PERMITTED;
            default -> Reason.OTHER;
        };
    }

    private static String describe(Reason reason) {
        return switch (reason) {
            case NO_SUCH_THREAD -> "no such thread";
            case INVALID_MASK -> "no usable CPU in the mask, or mask smaller than the kernel's";
            case NOT_PERMITTED -> "not permitted to change this thread";
            case OTHER -> "unexpected error";
        };
    }
}
