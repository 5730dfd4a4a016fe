package kata.pinning.cli.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import kata.pinning.launcher.QemuLauncher;
import kata.pinning.launcher.RunningQemu;

/**
 * A real QEMU started for the demo by {@link QemuLauncher}: paused ({@code -S}) with no guest, so it
 * needs no disk image, but with one host thread per vCPU and vCPU hot-plug. KVM with {@code -cpu
 * host}, else KVM with {@code -cpu qemu64}, else TCG, as the launcher finds works; stopped by its own
 * pid with SIGTERM, then SIGKILL, and by a shutdown hook if the demo is interrupted.
 */
public final class QemuProcess implements DemoVmm {

    private final RunningQemu qemu;

    private QemuProcess(RunningQemu qemu) {
        this.qemu = qemu;
    }

    /**
     * Starts QEMU with the first choice that works, and returns once it answers on its QMP socket.
     *
     * @param workDir a directory for {@code qmp.sock} and {@code qemu.log}
     * @param vcpus the vCPUs at start
     * @param maxVcpus the vCPU slots, for hot-plug
     * @return the running QEMU
     * @throws IllegalArgumentException if {@code KATA_PINNING_QEMU_ACCEL} is neither {@code kvm} nor {@code tcg}
     * @throws kata.pinning.launcher.QemuStartException if every choice failed, quoting QEMU for each
     * @throws IOException if QEMU is not on {@code PATH} or cannot be run
     */
    public static QemuProcess start(Path workDir, int vcpus, int maxVcpus) throws IOException {
        return new QemuProcess(QemuLauncher.builder(workDir).vcpus(vcpus, maxVcpus).build().start());
    }

    @Override
    public Path qmpSocket() {
        return qemu.qmpSocket();
    }

    @Override
    public int pid() {
        return Math.toIntExact(qemu.pid());
    }

    @Override
    public String kind() {
        return "qemu";
    }

    @Override
    public String description() {
        return "QEMU (" + qemu.choice() + ", pid " + pid() + ", paused with no guest)";
    }

    @Override
    public List<String> notes() {
        return qemu.fallbackLines();
    }

    @Override
    public void close() {
        qemu.close();
    }
}
