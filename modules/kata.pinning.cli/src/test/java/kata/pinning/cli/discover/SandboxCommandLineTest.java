package kata.pinning.cli.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import kata.pinning.VmmKind;
import org.junit.jupiter.api.Test;

/** Command lines as Kata's runtimes start their VMMs, and ones that are no sandbox's VMM. */
class SandboxCommandLineTest {

    private static Optional<SandboxCommandLine> read(String commandLine) {
        return SandboxCommandLine.of(List.of(commandLine.split(" ")));
    }

    private static SandboxCommandLine vmm(VmmKind kind, String sandbox, String qmp) {
        return new SandboxCommandLine(kind, Optional.ofNullable(sandbox), Optional.ofNullable(qmp).map(Path::of));
    }

    @Test
    void qemuAsTheGoRuntimeStartsIt() {
        assertEquals(Optional.of(vmm(VmmKind.QEMU, "3f2a", "/run/vc/vm/3f2a/qmp.sock")),
                read("/opt/kata/bin/qemu-system-x86_64 -name sandbox-3f2a,debug-threads=on -machine q35,accel=kvm "
                        + "-qmp unix:path=/run/vc/vm/3f2a/qmp.sock,server=on,wait=off -smp 1,maxcpus=4"));
    }

    @Test
    void qemuWithItsSandboxOnlyInItsNameAndAnEscapedCommaInItsSocket() {
        assertEquals(Optional.of(vmm(VmmKind.QEMU, "b7", "/tmp/a,b/qmp.sock")),
                read("qemu-kvm -name guest=sandbox-b7 -qmp unix:/tmp/a,,b/qmp.sock,server=on,wait=off"));
        assertEquals(Optional.of(vmm(VmmKind.QEMU, null, null)), read("qemu-system-aarch64 -qmp unix:fd=3,server=on"));
    }

    @Test
    void theOtherVmmsByTheirExecutables() {
        assertEquals(Optional.of(vmm(VmmKind.CLOUD_HYPERVISOR, "c1", null)),
                read("/usr/bin/cloud-hypervisor --api-socket /run/vc/vm/c1/clh-api.sock --event-monitor fd=4"));
        assertEquals(Optional.of(vmm(VmmKind.FIRECRACKER, "f1", null)), read("firecracker --id f1 --start-time-us 1"));
        assertEquals(Optional.of(vmm(VmmKind.OPENVMM, null, null)), read("/usr/local/bin/openvmm --hv"));
        assertEquals(Optional.of(vmm(VmmKind.DRAGONBALL, "d1", null)),
                read("/opt/kata/runtime-rs/bin/containerd-shim-kata-v2 -namespace k8s.io -address "
                        + "/run/containerd/containerd.sock -publish-binary /usr/bin/containerd -id d1"));
    }

    @Test
    void processesThatAreNoSandboxVmm() {
        assertEquals(Optional.empty(), read("qemu-system-x86_64 -m 1G -hda disk.img"));
        assertEquals(Optional.empty(), read("java -jar cloud-hypervisor.jar"));
        assertEquals(Optional.empty(), read("/usr/bin/cloud-hypervisor-static --api-socket x"));
        assertEquals(Optional.empty(), SandboxCommandLine.of(List.of()));
    }
}
