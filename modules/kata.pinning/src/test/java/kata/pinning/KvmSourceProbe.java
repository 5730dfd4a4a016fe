package kata.pinning;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The child of {@link KvmSourceTcgQemuTest}'s permission test, run without {@code CAP_SYS_PTRACE}:
 * asks the {@code kvm} source for a VMM's vCPUs and prints {@code vcpus <N>} or {@code error <message>}.
 *
 * <p>Arguments: the proc root, the VMM's pid.
 */
final class KvmSourceProbe {

    private KvmSourceProbe() {
    }

    public static void main(String[] args) {
        try {
            System.out.println("vcpus " + Vmm.kvm(VmmKind.QEMU, Integer.parseInt(args[1]), Path.of(args[0])).vcpus().size());
        } catch (IOException e) {
            System.out.println("error " + e.getMessage());
        }
    }
}
