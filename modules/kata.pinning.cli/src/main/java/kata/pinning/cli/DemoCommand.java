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
import kata.pinning.launcher.Accelerator;
import kata.pinning.launcher.QemuLauncher;
import kata.pinning.launcher.QemuStartException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code demo}: the whole lifecycle on a VMM it starts and stops itself. */
@Command(name = "demo",
        description = {
            "Run the whole lifecycle on a VMM it starts, showing each step.",
            "Steps: VM start, add a container, add a second, update, hot-plug a vCPU, delete. After each "
                    + "step it shows every vCPU's thread and the CPUs the kernel allows it, with the decision "
                    + "and its reason.",
            "Uses a real QEMU when qemu-system-x86_64 is on PATH (KVM with -cpu host, else KVM with -cpu "
                    + "qemu64, else TCG; KATA_PINNING_QEMU_ACCEL=kvm|tcg forces one accelerator), and names its "
                    + "choice and each one it fell back from. Else, or when QEMU does not start and --qemu is not "
                    + "given, it says why and uses the embedded VMM: a QMP server in this process whose vCPUs are "
                    + "parked threads, so that every pin is a real system call either way. Sizes the cpusets to the CPUs "
                    + "this process may use (4 at most), and stops and removes all it started. Of the global "
                    + "options it takes only --json and --verbose."},
        footerHeading = "%nJSON (--json):%n",
        footer = {
            "  {\"vmm\":\"qemu|embedded\", \"description\":\"...\", \"cpus\":\"0-1\",",
            "   \"steps\":[{\"step\":\"...\", \"status\":{see 'status'}}]}"})
final class DemoCommand implements Callable<Integer> {

    @ParentCommand
    private KataPinning root;

    @Spec
    private CommandSpec spec;

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
        boolean qemuRequired = mode != null && mode.qemu;
        boolean qemu = !(mode != null && mode.embedded) && QemuLauncher.findQemu().isPresent();
        if (!qemu && qemuRequired) {
            throw new IllegalStateException(QemuLauncher.BINARY
                    + " is not on PATH: install QEMU (Debian: apt-get install qemu-system-x86) or run 'demo --embedded'");
        }
        if (qemu) {
            checkForcedAccelerator();
        }
        CpuSet cpus = Demo.demoCpus(LinuxThreads.processAffinity());
        Path workDir = Files.createTempDirectory("kata-pinning-demo-");
        List<String> notes = new ArrayList<>();
        try (DemoVmm vmm = qemu ? startQemu(workDir, cpus, qemuRequired, notes)
                : EmbeddedVmm.start(workDir.resolve("qmp.sock"), cpus.size(), cpus.size() + 1)) {
            notes.addAll(0, vmm.notes());
            run(vmm, cpus, notes);
        } finally {
            deleteTree(workDir);
        }
        return KataPinning.OK;
    }

    private static void checkForcedAccelerator() {
        try {
            Accelerator.forcedBy(System.getenv(Accelerator.ENVIRONMENT_VARIABLE));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }

    /** QEMU, or the embedded VMM with a note saying why when QEMU did not start and was not required. */
    private static DemoVmm startQemu(Path workDir, CpuSet cpus, boolean required, List<String> notes) throws IOException {
        try {
            return QemuProcess.start(workDir, cpus.size(), cpus.size() + 1);
        } catch (QemuStartException e) {
            if (required) {
                throw e;
            }
            notes.add(e.getMessage() + "; the demo runs on the embedded VMM instead");
            return EmbeddedVmm.start(workDir.resolve("qmp.sock"), cpus.size(), cpus.size() + 1);
        }
    }

    private void run(DemoVmm vmm, CpuSet cpus, List<String> notes) throws IOException {
        Output output = root.output();
        PrintWriter out = output.out();
        List<Step> steps = new ArrayList<>();
        if (output.json()) { // the document keeps its shape; what the header would say goes to stderr
            PrintWriter err = spec.commandLine().getErr();
            notes.forEach(note -> err.println("kata-pinning: " + note));
            err.flush();
        } else {
            out.printf("kata-pinning demo on %s%n", vmm.description());
            notes.forEach(out::println);
            out.printf("%d vCPUs (one more slot for hot-plug), containers get CPUs %s, pinning enabled%n", cpus.size(), cpus);
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
