package kata.pinning.launcher.internal;

import java.util.List;
import java.util.Optional;
import kata.pinning.launcher.Accelerator;
import kata.pinning.launcher.QemuChoice;

/** The order of attempts: a pure decision, apart from probing {@code /dev/kvm}. */
public final class AttemptPlan {

    private AttemptPlan() {
    }

    /**
     * {@return the choices to try, in order}
     *
     * <p>Without a forced accelerator: KVM with {@code -cpu host}, then KVM with the baseline model,
     * then TCG; the KVM attempts only when KVM is usable. A forced KVM tries both KVM models even
     * when the probe says no, so that QEMU's own message explains why KVM fails; it never ends on
     * TCG. A forced TCG tries TCG alone.
     *
     * @param forced    the accelerator the environment forces, if any
     * @param kvmUsable whether the KVM device opens for reading and writing
     */
    public static List<QemuChoice> choices(Optional<Accelerator> forced, boolean kvmUsable) {
        List<QemuChoice> kvm = List.of(QemuChoice.KVM_HOST, QemuChoice.KVM_BASELINE);
        return switch (forced.orElse(null)) {
            case KVM -> kvm;
            case TCG -> List.of(QemuChoice.TCG_MAX);
            case null -> kvmUsable ? List.of(QemuChoice.KVM_HOST, QemuChoice.KVM_BASELINE, QemuChoice.TCG_MAX)
                    : List.of(QemuChoice.TCG_MAX);
        };
    }
}
