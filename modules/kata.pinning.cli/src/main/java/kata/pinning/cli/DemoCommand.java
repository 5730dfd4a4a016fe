package kata.pinning.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import kata.pinning.affinity.LinuxThreads;
import kata.pinning.cli.demo.Demo;
import kata.pinning.cli.demo.DemoVmm;
import kata.pinning.cli.demo.EmbeddedVmm;
import kata.pinning.cli.demo.QemuProcess;
import kata.pinning.cpuset.CpuSet;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code demo}: the whole lifecycle on a VMM it starts and stops itself. */
@Command(name = "demo",
        description = {
            "Run the whole lifecycle on a VMM it starts, showing each step.",
            "Steps: VM start, add a container, add a second, update, hot-plug a vCPU, delete. After each "
                    + "step it shows every vCPU's thread and the CPUs the kernel allows it, with the decision "
                    + "and its reason.",
            "Uses a real QEMU (KVM when /dev/kvm is usable, else TCG) when qemu-system-x86_64 is on PATH, "
                    + "else the embedded VMM: a QMP server in this process whose vCPUs are parked threads, "
                    + "so that every pin is a real system call either way. Sizes the cpusets to the CPUs "
                    + "this process may use (4 at most), and stops and removes all it started. Of the global "
                    + "options it takes only --json and --verbose."},
        footerHeading = "%nJSON (--json):%n",
        footer = {
            "  {\"vmm\":\"qemu|embedded\", \"description\":\"...\", \"cpus\":\"0-1\",",
            "   \"steps\":[{\"step\":\"...\", \"status\":{see 'status'}}]}"})
final class DemoCommand implements Callable<Integer> {

    @ParentCommand
    private KataPinning root;

    @ArgGroup(exclusive = true)
    private Mode mode;

    /** Which VMM to use; without either, QEMU if it is installed. */
    static final class Mode {
        @Option(names = "--qemu", required = true, description = "use a real QEMU; fails if none is installed")
        private boolean qemu;

        @Option(names = "--embedded", required = true, description = "use the embedded VMM, even if QEMU is installed")
        private boolean embedded;
    }

    /**
     * The JSON document.
     *
     * @param vmm which VMM ran: {@code qemu} or {@code embedded}
     * @param description the VMM in words, with its pid
     * @param cpus the CPUs the containers got
     * @param steps each step, in order
     */
    record Run(String vmm, String description, String cpus, List<Step> steps) {
    }

    /**
     * One step.
     *
     * @param step what it did
     * @param status the sandbox after it
     */
    record Step(String step, StatusView status) {
    }

    @Override
    public Integer call() throws IOException {
        LinuxThreads.unavailableReason().ifPresent(reason -> {
            throw new IllegalStateException("the demo sets thread affinities, which needs the native binding: " + reason);
        });
        Path qemu = mode != null && mode.embedded ? null : QemuProcess.find().orElse(null);
        if (qemu == null && mode != null && mode.qemu) {
            throw new IllegalStateException(QemuProcess.BINARY
                    + " is not on PATH: install QEMU (Debian: apt-get install qemu-system-x86) or run 'demo --embedded'");
        }
        CpuSet cpus = Demo.demoCpus(LinuxThreads.processAffinity());
        Path workDir = Files.createTempDirectory("kata-pinning-demo-");
        try (DemoVmm vmm = qemu != null
                ? QemuProcess.start(qemu, workDir, cpus.size(), cpus.size() + 1)
                : EmbeddedVmm.start(workDir.resolve("qmp.sock"), cpus.size(), cpus.size() + 1)) {
            run(vmm, cpus);
        } finally {
            deleteTree(workDir);
        }
        return KataPinning.OK;
    }

    private void run(DemoVmm vmm, CpuSet cpus) throws IOException {
        Output output = root.output();
        PrintWriter out = output.out();
        List<Step> steps = new ArrayList<>();
        if (!output.json()) {
            out.printf("kata-pinning demo on %s%n%d vCPUs (one more slot for hot-plug), containers get CPUs %s, pinning enabled%n",
                    vmm.description(), cpus.size(), cpus);
            out.flush();
        }
        Demo.run(vmm, cpus, (title, status) -> {
            Step step = new Step(title, StatusView.of(status));
            steps.add(step);
            if (!output.json()) {
                out.printf("%n[%d] %s%n%s%n", steps.size(), title, step.status().toText());
                out.flush();
            }
        });
        if (output.json()) {
            output.print(new Run(vmm.kind(), vmm.description(), cpus.toString(), steps), () -> "");
        } else {
            out.printf("%nDone: the VMM is stopped and its files are removed.%n");
            out.flush();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
