package kata.pinning.launcher;

import java.util.Objects;

/**
 * One way to start QEMU: an accelerator and the CPU model given to {@code -cpu}.
 *
 * @param accelerator how QEMU runs guest code
 * @param cpuModel    the {@code -cpu} value, such as {@code host}, {@code qemu64} or {@code max}
 * @since 0.1
 */
public record QemuChoice(Accelerator accelerator, String cpuModel) {

    /** KVM with the host's own CPU: the fastest, but it sets host-specific MSRs that nested hosts may refuse. */
    public static final QemuChoice KVM_HOST = new QemuChoice(Accelerator.KVM, "host");

    /**
     * KVM with {@code qemu64}, QEMU's default x86_64 model. It is a fixed baseline (SSE3-era features,
     * no {@code IA32_ARCH_CAPABILITIES} or other MSRs copied from the host), so KVM can present it on
     * any x86_64 host, Intel or AMD, nested or not; a named model such as {@code Skylake-Client}
     * would fail on hosts older than it or from the other vendor. Features the host lacks are
     * dropped with a warning, not an error.
     */
    public static final QemuChoice KVM_BASELINE = new QemuChoice(Accelerator.KVM, "qemu64");

    /** TCG with every feature the emulator has. */
    public static final QemuChoice TCG_MAX = new QemuChoice(Accelerator.TCG, "max");

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code cpuModel} is blank
     */
    public QemuChoice {
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(cpuModel, "cpuModel");
        if (cpuModel.isBlank()) {
            throw new IllegalArgumentException("cpuModel is blank");
        }
    }

    /** {@return this choice in words, such as {@code KVM with -cpu host}} */
    @Override
    public String toString() {
        return accelerator + " with -cpu " + cpuModel;
    }
}
