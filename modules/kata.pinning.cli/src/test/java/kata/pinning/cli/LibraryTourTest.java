package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import kata.pinning.ContainerEvent;
import kata.pinning.CpuResources;
import kata.pinning.SandboxResources;
import kata.pinning.SandboxStatus;
import kata.pinning.affinity.LinuxThreads;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cli.demo.EmbeddedVmm;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.qmp.QmpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library sample of the README's tour, compiled here and run against the embedded VMM, whose
 * vCPU threads are real threads of this JVM.
 */
class LibraryTourTest {

    /** The README's sample, but for the CPU list, which the README writes as {@code "0-1"}. */
    static String pinSandbox(Path qmpSocket, int qemuPid, String cpus) throws IOException {
        try (QmpClient qmp = QmpClient.connect(qmpSocket, Duration.ofSeconds(5))) {
            SandboxResources sandbox = SandboxResources.builder()
                    .pinningEnabled(true)    // or .config(KataConfig.load().forPod(annotations))
                    .defaultVcpus(2)
                    .qemu(qmp, qemuPid)
                    .build();
            sandbox.vmStarted();
            sandbox.update(new ContainerEvent.Added("c1", CpuResources.parse(cpus, "")));
            System.out.println(sandbox.status().lastOutcome()); // PLACED: vCPU 0 on CPU 0, vCPU 1 on CPU 1
            return sandbox.persist();                            // for SandboxResources.builder()...restore(json)
        }
    }

    @Test
    void theSamplePinsEachVcpuThreadToItsOwnCpu(@TempDir Path dir) throws Exception {
        CpuSet allowed = LinuxThreads.processAffinity();
        assumeTrue(allowed.size() >= 2, "needs two CPUs");
        CpuSet two = CpuSet.of(allowed.nth(0), allowed.nth(1));
        try (EmbeddedVmm vmm = EmbeddedVmm.start(dir.resolve("qmp.sock"), 2, 2)) {
            String persisted = pinSandbox(vmm.qmpSocket(), vmm.pid(), two.toString());

            try (QmpClient qmp = QmpClient.connect(vmm.qmpSocket(), Duration.ofSeconds(5))) {
                SandboxStatus restored = SandboxResources.builder().qemu(qmp, vmm.pid()).restore(persisted).status();
                assertEquals(SandboxStatus.PinState.PINNED, restored.pinState());
                assertEquals(two, restored.union().cpus());
                for (SandboxStatus.VcpuStatus vcpu : restored.vcpus()) {
                    assertEquals(CpuSet.of(two.nth(vcpu.index())), ThreadAffinity.linux().get(vcpu.threadId()),
                            "vCPU " + vcpu.index() + " as the kernel reports it");
                }
                assertEquals(2, restored.vcpus().size());
            }
        }
        assertEquals(false, Files.exists(dir.resolve("qmp.sock")));
    }
}
