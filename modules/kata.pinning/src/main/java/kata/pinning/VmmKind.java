package kata.pinning;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The VMMs whose vCPU threads {@link Vmm#threadNames} finds by name, each with the name the CLI's
 * {@code --vmm} option and the CLI's state file use for it.
 *
 * <p>Each names its vCPU threads in its own way; the whole name must match, and the kernel keeps
 * at most 15 characters of it ({@code /proc/<pid>/task/<tid>/comm}).
 *
 * @since 0.2
 */
public enum VmmKind {

    /** QEMU with {@code -name <name>,debug-threads=on}: threads {@code CPU <N>/KVM} or {@code CPU <N>/TCG}. */
    QEMU("qemu", "CPU <N>/<accel>"),
    /** Cloud Hypervisor: threads {@code vcpu<N>}. */
    CLOUD_HYPERVISOR("cloud-hypervisor", "vcpu<N>"),
    /** Firecracker: threads {@code fc_vcpu <N>}. */
    FIRECRACKER("firecracker", "fc_vcpu <N>"),
    /** Dragonball, the VMM built into Kata's runtime-rs shim: threads {@code db_vcpu<N>} of the shim process. */
    DRAGONBALL("dragonball", "db_vcpu<N>"),
    /** OpenVMM: threads {@code vp-<N>}. */
    OPENVMM("openvmm", "vp-<N>");

    private final String cliName;
    private final String threadName;

    VmmKind(String cliName, String threadName) {
        this.cliName = cliName;
        this.threadName = threadName;
    }

    /** {@return the kind's name in the CLI and in {@link Vmm#kind()}, such as {@code cloud-hypervisor}} */
    public String cliName() {
        return cliName;
    }

    /** {@return how this VMM names a vCPU thread, such as {@code vcpu<N>} for vCPU {@code N}} */
    public String threadName() {
        return threadName;
    }

    /**
     * Finds a kind by its {@linkplain #cliName() CLI name}.
     *
     * @param cliName a name such as {@code firecracker}
     * @return the kind
     * @throws IllegalArgumentException naming the accepted names if none matches
     */
    public static VmmKind of(String cliName) {
        Objects.requireNonNull(cliName, "cliName");
        return Arrays.stream(values())
                .filter(kind -> kind.cliName.equals(cliName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown VMM '" + cliName + "': expected one of " + names()));
    }

    /** {@return the CLI names of every kind, separated by {@code |}} */
    public static String names() {
        return Arrays.stream(values()).map(VmmKind::cliName).collect(Collectors.joining("|"));
    }
}
