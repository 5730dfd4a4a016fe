package kata.pinning.config;

import java.util.Objects;

/**
 * Whether vCPU pinning is on, and which layer of the configuration decided it.
 *
 * @param enabled whether each vCPU thread is to be pinned to one host CPU when the counts match
 * @param source  where the value came from
 * @since 0.1
 */
public record PinningSetting(boolean enabled, Source source) {

    /** Where an effective {@code enable_vcpus_pinning} value came from, lowest precedence first. */
    public enum Source {
        /** No file and no annotation set it: pinning is off. */
        DEFAULT,
        /** The base configuration file set it. */
        FILE,
        /** A {@code config.d/} drop-in set it (the last one to set it wins). */
        DROP_IN,
        /** A pod annotation set it, over whatever the files said. */
        ANNOTATION
    }

    /** The setting when nothing configures pinning: off, from {@link Source#DEFAULT}. */
    public static final PinningSetting DEFAULT = new PinningSetting(false, Source.DEFAULT);

    /**
     * Checks the components.
     *
     * @throws NullPointerException     if {@code source} is null
     * @throws IllegalArgumentException if {@code source} is {@link Source#DEFAULT} but {@code enabled} is
     *                                  true (the default is off)
     */
    public PinningSetting {
        Objects.requireNonNull(source, "source");
        if (source == Source.DEFAULT && enabled) {
            throw new IllegalArgumentException("the default pinning setting is off");
        }
    }
}
