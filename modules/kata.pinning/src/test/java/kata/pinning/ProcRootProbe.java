package kata.pinning;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import kata.pinning.qmp.HotpluggableCpu;
import kata.pinning.qmp.QmpClient;

/**
 * The child of {@link ProcRootNamespaceTest}: runs inside a private pid namespace whose own
 * {@code /proc} has a decoy process at QEMU's pid, while the host's procfs is mounted at the proc
 * root it is given. Builds a sandbox on QEMU as the CLI does ({@code vmm(Vmm.qemu(...))} plus
 * {@code procRoot}), then prints how many vCPUs the status shows before and after a hot-plug.
 *
 * <p>Arguments: the host's proc root, QEMU's pid (on the host), QEMU's QMP socket.
 */
final class ProcRootProbe {

    private ProcRootProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path hostProc = Path.of(args[0]);
        int pid = Integer.parseInt(args[1]);
        try (QmpClient qmp = QmpClient.connect(Path.of(args[2]), Duration.ofSeconds(10))) {
            SandboxResources sandbox = SandboxResources.builder()
                    .vmm(Vmm.qemu(qmp, pid))
                    .procRoot(hostProc)
                    .build();
            sandbox.vmStarted();
            System.out.println("before " + sandbox.status().vcpus().size());
            long threads = threads(hostProc, pid);
            HotpluggableCpu free = qmp.queryHotpluggableCpus().stream()
                    .filter(slot -> !slot.isPlugged()).findFirst().orElseThrow();
            qmp.execute("device_add", free.deviceAddArguments("hotplugged"));
            for (int i = 0; i < 200 && threads(hostProc, pid) == threads; i++) {
                Thread.sleep(50); // device_add returns once the thread exists; this only guards the listing
            }
            System.out.println("after " + sandbox.status().vcpus().size());
        }
    }

    private static long threads(Path procRoot, int pid) throws Exception {
        try (Stream<Path> tasks = Files.list(procRoot.resolve(Integer.toString(pid)).resolve("task"))) {
            return tasks.count();
        }
    }
}
