package kata.pinning.config;

import java.util.Objects;

/**
 * The placement policy of a sandbox, and which layer decided it.
 *
 * @param policy the policy
 * @param source where it came from
 * @since 0.2
 */
public record PolicySetting(PinningPolicy policy, Source source) {

    /** Where an effective {@code vcpus_pinning_policy} came from, lowest precedence first. */
    public enum Source {
        /** No file sets it: {@link PinningPolicy#EXACT}. */
        DEFAULT,
        /** The base configuration file set it. */
        FILE,
        /** A {@code config.d/} drop-in set it (the last one to set it wins). */
        DROP_IN,
        /** The caller chose it over the files, as the CLI's {@code --policy} does. */
        FLAG
    }

    /** The setting when nothing configures the policy. */
    public static final PolicySetting DEFAULT = new PolicySetting(PinningPolicy.EXACT, Source.DEFAULT);

    /** Checks the components. */
    public PolicySetting {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(source, "source");
    }

    /**
     * {@return the setting of a caller's explicit choice, which wins over the files}
     *
     * @param policy the chosen policy
     */
    public static PolicySetting flag(PinningPolicy policy) {
        return new PolicySetting(policy, Source.FLAG);
    }
}
