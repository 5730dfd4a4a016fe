package kata.pinning.launcher;

import java.util.Locale;
import java.util.Optional;

/**
 * How QEMU executes guest code.
 *
 * @since 0.1
 */
public enum Accelerator {
    /** Hardware virtualization through {@code /dev/kvm}. */
    KVM,
    /** QEMU's software emulator: slower, but still one host thread per vCPU. */
    TCG;

    /** The environment variable that forces one accelerator: {@code kvm} or {@code tcg}. */
    public static final String ENVIRONMENT_VARIABLE = "KATA_PINNING_QEMU_ACCEL";

    /** {@return the name QEMU's {@code accel=} option takes: {@code kvm} or {@code tcg}} */
    public String option() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a value of {@value #ENVIRONMENT_VARIABLE}.
     *
     * @param value the variable's value; {@code null} or blank when it is not set
     * @return the forced accelerator, or empty to let the launcher choose
     * @throws IllegalArgumentException if the value is neither {@code kvm} nor {@code tcg} (in any case)
     */
    public static Optional<Accelerator> forcedBy(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        for (Accelerator accelerator : values()) {
            if (accelerator.option().equalsIgnoreCase(value.strip())) {
                return Optional.of(accelerator);
            }
        }
        throw new IllegalArgumentException(ENVIRONMENT_VARIABLE + " must be kvm or tcg, not '" + value + "'");
    }
}
