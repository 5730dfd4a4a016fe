package kata.pinning.cli.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VmmProcesses} over a proc-shaped tree of real files, as a KVM host shows its VMMs: fd links
 * named {@code anon_inode:kvm-vcpu:N} count before thread names and {@code -smp}.
 */
class VmmProcessesTreeTest {

    @TempDir
    Path proc;

    private void process(int pid, String cmdline, List<String> fdTargets, List<String> threadNames) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("cmdline"), cmdline.replace(' ', '\0') + "\0");
        Files.createDirectories(dir.resolve("fd"));
        for (int fd = 0; fd < fdTargets.size(); fd++) {
            Files.createSymbolicLink(dir.resolve("fd").resolve(Integer.toString(fd + 3)), Path.of(fdTargets.get(fd)));
        }
        for (int t = 0; t < threadNames.size(); t++) {
            Path task = Files.createDirectories(dir.resolve("task").resolve(Integer.toString(pid + t)));
            Files.writeString(task.resolve("comm"), threadNames.get(t) + "\n");
        }
    }

    private OptionalInt counted(List<VmmProcesses.Found> found, int pid, String from) {
        VmmProcesses.Found vmm = found.stream().filter(f -> f.pid() == pid).findFirst().orElseThrow();
        assertEquals(from, vmm.vcpusFrom(), vmm::toString);
        return vmm.vcpus();
    }

    @Test
    void kvmVcpuFdsCountFirstThenNamesThenSmp() throws IOException {
        List<String> qemuThreads = List.of("qemu-system-x86", "qemu-system-x86", "qemu-system-x86");
        // Started with one vCPU, three more hot-plugged: the fds show four, -smp only the one.
        process(300, "qemu-system-x86_64 -name sandbox-k1 -smp 1,maxcpus=4 -qmp unix:/run/vc/vm/k1/qmp.sock,server=on",
                List.of("socket:[1]", "anon_inode:kvm-vm", "anon_inode:kvm-vcpu:0", "anon_inode:kvm-vcpu:1",
                        "anon_inode:kvm-vcpu:2", "anon_inode:kvm-vcpu:3", "anon_inode:[eventfd]"), qemuThreads);
        process(400, "qemu-system-x86_64 -name sandbox-t1 -smp 2,maxcpus=4 -accel tcg",
                List.of("socket:[2]", "anon_inode:[eventfd]"), qemuThreads);
        process(500, "cloud-hypervisor --api-socket /run/vc/vm/c1/clh-api.sock",
                List.of("anon_inode:kvm-vcpu:0", "anon_inode:kvm-vcpu:1"), List.of("cloud-hyperviso", "vmm"));
        process(600, "firecracker --id f1", List.of("pipe:[3]"), List.of("firecracker", "fc_vcpu 0"));
        process(700, "qemu-system-x86_64 -name sandbox-b1 -smp many -qmp unix:/run/vc/vm/b1/qmp.sock,server=on",
                List.of(), qemuThreads);
        List<VmmProcesses.Found> found = VmmProcesses.scan(proc);
        assertEquals(OptionalInt.of(4), counted(found, 300, VmmProcesses.FROM_KVM));
        assertEquals(OptionalInt.of(2), counted(found, 400, VmmProcesses.FROM_COMMAND_LINE));
        assertEquals(OptionalInt.of(2), counted(found, 500, VmmProcesses.FROM_KVM));
        assertEquals(OptionalInt.of(1), counted(found, 600, VmmProcesses.FROM_THREAD_NAMES));
        assertEquals(OptionalInt.empty(), counted(found, 700, "QMP socket /run/vc/vm/b1/qmp.sock"));
    }
}
