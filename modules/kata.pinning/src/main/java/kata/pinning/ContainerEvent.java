package kata.pinning;

import java.util.Objects;

/**
 * A change to the set of containers in a sandbox, handed to {@link SandboxResources#update}. Only
 * {@link Added} and {@link Updated} carry CPU resources, so an add without resources cannot be
 * written.
 *
 * @since 0.1
 */
public sealed interface ContainerEvent {

    /** {@return the id of the container the event is about} */
    String containerId();

    /**
     * A container was created in the sandbox.
     *
     * @param containerId the container's id, not blank
     * @param resources its CPU resources
     */
    record Added(String containerId, CpuResources resources) implements ContainerEvent {
        /**
         * Checks the components.
         *
         * @throws IllegalArgumentException if the id is blank
         */
        public Added {
            checkId(containerId);
            Objects.requireNonNull(resources, "resources");
        }
    }

    /**
     * A container's resources were changed, for example by {@code crictl update}. Resources equal to
     * the current ones (a CPU-quota-only update) are still an update: they skip the cgroup write, not
     * the pinning check.
     *
     * @param containerId the container's id, not blank
     * @param resources its new CPU resources
     */
    record Updated(String containerId, CpuResources resources) implements ContainerEvent {
        /**
         * Checks the components.
         *
         * @throws IllegalArgumentException if the id is blank
         */
        public Updated {
            checkId(containerId);
            Objects.requireNonNull(resources, "resources");
        }
    }

    /**
     * A container was removed from the sandbox.
     *
     * @param containerId the container's id, not blank
     */
    record Deleted(String containerId) implements ContainerEvent {
        /**
         * Checks the id.
         *
         * @throws IllegalArgumentException if the id is blank
         */
        public Deleted {
            checkId(containerId);
        }
    }

    private static void checkId(String containerId) {
        Objects.requireNonNull(containerId, "containerId");
        if (containerId.isBlank()) {
            throw new IllegalArgumentException("container id must not be blank");
        }
    }
}
