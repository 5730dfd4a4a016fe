package kata.pinning.launcher.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kata.pinning.launcher.QemuChoice;

/** The command line of one attempt. */
public final class QemuCommandLine {

    private QemuCommandLine() {
    }

    /**
     * {@return QEMU's arguments, the binary first}
     *
     * <p>The guest never runs ({@code -S}), so no disk or kernel is needed; QEMU still creates one
     * thread per vCPU. The extra arguments come last, so a later {@code -m} replaces the memory size.
     *
     * @param binary    the QEMU executable
     * @param choice    the accelerator and CPU model
     * @param vcpus     the vCPUs present at start
     * @param maxVcpus  the vCPU slots
     * @param memory    the {@code -m} value, such as {@code 128M}
     * @param qmpSocket where QEMU listens for QMP
     * @param extraArgs more arguments, appended as they are
     */
    public static List<String> of(Path binary, QemuChoice choice, int vcpus, int maxVcpus, String memory,
            Path qmpSocket, List<String> extraArgs) {
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "-machine", "q35,accel=" + choice.accelerator().option(),
                "-cpu", choice.cpuModel(),
                "-smp", vcpus + ",maxcpus=" + maxVcpus,
                "-m", memory,
                "-nodefaults",
                "-display", "none",
                "-S",
                // QEMU's option syntax escapes a comma by doubling it.
                "-qmp", "unix:" + qmpSocket.toString().replace(",", ",,") + ",server=on,wait=off"));
        command.addAll(extraArgs);
        return command;
    }
}
