package kata.pinning;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import kata.pinning.cpuset.CpuSet;

/**
 * A sandbox operation failed; the container change it carried was rolled back. {@link #kind()}
 * says which step failed, and the message names the thread, the CPUs or the cgroup file involved.
 * The cause is the underlying {@code QmpException}, {@code AffinityException} or
 * {@code CgroupException}; failures of the clean-up that followed are suppressed exceptions.
 *
 * @since 0.1
 */
public final class PinningException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The step that failed. */
    public enum Kind {
        /** The VMM could not be asked for its vCPU threads, for example because QMP failed. */
        VMM_QUERY,
        /**
         * The VMM reported a vCPU thread that is not one of its own tasks; no affinity was changed.
         * A VMM that does this is not to be trusted, since the runtime would otherwise change the
         * affinity of any thread on the host on its behalf.
         */
        FOREIGN_THREAD,
        /** The kernel refused to set a thread's affinity. */
        AFFINITY,
        /** The sandbox cgroup could not be written. */
        CGROUP
    }

    /** The step that failed. */
    private final Kind kind;
    /** The thread the failure is about, or 0. */
    private final int threadId;
    /** The CPUs that thread was to get, or null; not serialized, as CpuSet is not serializable. */
    private final transient CpuSet cpus;

    PinningException(Kind kind, String message, int threadId, CpuSet cpus, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.threadId = threadId;
        this.cpus = cpus;
    }

    PinningException(Kind kind, String message, Throwable cause) {
        this(kind, message, 0, null, cause);
    }

    /** {@return the step that failed} */
    public Kind kind() {
        return kind;
    }

    /** {@return the thread the failure is about, if it is about one} */
    public OptionalInt threadId() {
        return threadId > 0 ? OptionalInt.of(threadId) : OptionalInt.empty();
    }

    /** {@return the CPUs that thread was to get, if the failure is about one thread} */
    public Optional<CpuSet> cpus() {
        return Optional.ofNullable(cpus);
    }
}
