package kata.pinning.cli.discover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import kata.pinning.Vmm;
import kata.pinning.VmmKind;

/**
 * The VMM processes of Kata sandboxes under a proc root, each with its vCPU count: from its
 * {@code kvm-vcpu} fds when it runs under KVM, else from its threads' names, else (QEMU) from its
 * {@code -smp}. Reads {@code <root>/<pid>/cmdline}, {@code <root>/<pid>/fd} and
 * {@code <root>/<pid>/task/*}{@code /comm} only: it never connects to a QMP socket, which the
 * runtime may hold, and changes nothing.
 */
public final class VmmProcesses {

    /** {@link Found#vcpusFrom()} of a count from the {@code kvm-vcpu} fds. */
    public static final String FROM_KVM = "kvm";
    /** {@link Found#vcpusFrom()} of a count from thread names. */
    public static final String FROM_THREAD_NAMES = "thread-names";
    /** {@link Found#vcpusFrom()} of a count from QEMU's {@code -smp}. */
    public static final String FROM_COMMAND_LINE = "command line";

    private VmmProcesses() {
    }

    /**
     * One VMM process.
     *
     * @param pid its process id
     * @param commandLine what its command line says
     * @param vcpus its vCPU count; empty when it cannot be counted
     * @param vcpusFrom how it was counted: {@value #FROM_KVM}, {@value #FROM_THREAD_NAMES} or
     *     {@value #FROM_COMMAND_LINE}; when {@code vcpus} is empty, why, and for QEMU where QMP would tell
     */
    public record Found(int pid, SandboxCommandLine commandLine, OptionalInt vcpus, String vcpusFrom) {
    }

    /**
     * Lists the VMM processes, by pid. A process that exits during the scan is left out, and so is
     * a runtime-rs shim without Dragonball vCPUs (it runs another VMM, found on its own).
     *
     * @param procRoot where procfs is mounted
     * @return the processes found
     * @throws IOException if the proc root cannot be listed
     */
    public static List<Found> scan(Path procRoot) throws IOException {
        List<Found> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(procRoot, entry -> isPid(entry.getFileName().toString()))) {
            for (Path entry : entries) {
                int pid = Integer.parseInt(entry.getFileName().toString());
                commandLine(entry).ifPresent(argv -> SandboxCommandLine.of(argv)
                        .flatMap(line -> count(procRoot, pid, line, argv))
                        .ifPresent(found::add));
            }
        }
        found.sort(Comparator.comparingInt(Found::pid));
        return found;
    }

    private static Optional<Found> count(Path procRoot, int pid, SandboxCommandLine line, List<String> argv) {
        OptionalInt fromKvm = VcpuFds.count(procRoot, pid);
        if (fromKvm.orElse(0) > 0) {
            return Optional.of(new Found(pid, line, fromKvm, FROM_KVM));
        }
        try {
            int vcpus = Vmm.threadNames(line.kind(), pid, procRoot).vcpus().size();
            if (vcpus > 0 || line.kind() != VmmKind.QEMU && line.kind() != VmmKind.DRAGONBALL) {
                return Optional.of(new Found(pid, line, OptionalInt.of(vcpus), FROM_THREAD_NAMES));
            }
            return line.kind() == VmmKind.QEMU ? Optional.of(fromCommandLine(pid, line, argv)) : Optional.empty();
        } catch (IOException e) {
            if (!Files.isDirectory(procRoot.resolve(Integer.toString(pid)))) {
                return Optional.empty(); // exited during the scan
            }
            return Optional.of(line.kind() == VmmKind.QEMU ? fromCommandLine(pid, line, argv)
                    : new Found(pid, line, OptionalInt.empty(), FROM_THREAD_NAMES + ": " + e.getMessage()));
        }
    }

    /** QEMU without KVM vCPUs and without debug-threads: its {@code -smp}, the count it started with. */
    private static Found fromCommandLine(int pid, SandboxCommandLine line, List<String> argv) {
        OptionalInt smp = SmpOption.vcpus(argv);
        if (smp.isPresent()) {
            return new Found(pid, line, smp, FROM_COMMAND_LINE);
        }
        return new Found(pid, line, OptionalInt.empty(), line.qmpSocket().map(socket -> "QMP socket " + socket)
                .orElse("unknown: no KVM vCPU fd, no debug-threads, no -smp that QEMU takes, and no -qmp"));
    }

    /**
     * {@return the command line's words of a process; empty for a kernel thread or a process that is gone}
     *
     * @param process its directory under the proc root
     */
    public static Optional<List<String>> commandLine(Path process) {
        try {
            String raw = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8);
            List<String> words = Arrays.asList(raw.split("\0"));
            return raw.isEmpty() ? Optional.empty() : Optional.of(words);
        } catch (IOException gone) {
            return Optional.empty();
        }
    }

    /**
     * {@return whether an entry of the proc root is a process: its name is a number}
     *
     * @param name the entry's name
     */
    public static boolean isPid(String name) {
        return !name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
