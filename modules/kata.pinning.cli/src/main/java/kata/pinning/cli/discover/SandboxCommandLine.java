package kata.pinning.cli.discover;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kata.pinning.VmmKind;

/**
 * A process's command line read as a Kata sandbox's VMM: which kind, the sandbox id and QEMU's QMP
 * socket when the command line shows them. A pure decision on the words of
 * {@code /proc/<pid>/cmdline}.
 *
 * <p>The kind comes from the executable's name: {@code qemu-system-*} or {@code qemu-kvm} with
 * {@code -qmp} or {@code -name} (as Kata starts it), {@code cloud-hypervisor}, {@code firecracker},
 * {@code openvmm}; Dragonball runs inside runtime-rs's shim, so {@code containerd-shim-kata-v2} is
 * only a candidate, a Dragonball VMM once it has {@code db_vcpu<N>} threads. The sandbox id is
 * taken from a path {@code /run/vc/vm/<id>/}, else a word {@code sandbox-<id>} (QEMU's
 * {@code -name}), else the value of {@code -id} or {@code --id} (the shim, Firecracker).
 *
 * @param kind the VMM kind
 * @param sandboxId the sandbox id, when the command line shows it
 * @param qmpSocket QEMU's QMP socket, from {@code -qmp unix:<path>,...}
 */
public record SandboxCommandLine(VmmKind kind, Optional<String> sandboxId, Optional<Path> qmpSocket) {

    private static final Pattern RUN_VC = Pattern.compile("/run/vc/vm/([^/,\\s]+)/");
    private static final Pattern SANDBOX_NAME = Pattern.compile("(?:^|[=,])sandbox-([A-Za-z0-9][A-Za-z0-9_.-]*)");

    /**
     * Reads a command line.
     *
     * @param argv the command line's words, the executable first
     * @return the VMM it starts, or empty if it is no VMM of a Kata sandbox
     */
    public static Optional<SandboxCommandLine> of(List<String> argv) {
        if (argv.isEmpty()) {
            return Optional.empty();
        }
        String executable = Path.of(argv.getFirst()).getFileName() == null ? "" : Path.of(argv.getFirst()).getFileName().toString();
        return kindOf(executable, argv).map(kind -> new SandboxCommandLine(kind, sandboxId(argv), qmpSocket(argv)));
    }

    private static Optional<VmmKind> kindOf(String executable, List<String> argv) {
        if (executable.startsWith("qemu-system-") || executable.equals("qemu-kvm")) {
            return argv.contains("-qmp") || argv.contains("-name") ? Optional.of(VmmKind.QEMU) : Optional.empty();
        }
        return switch (executable) {
            case "cloud-hypervisor" -> Optional.of(VmmKind.CLOUD_HYPERVISOR);
            case "firecracker" -> Optional.of(VmmKind.FIRECRACKER);
            case "openvmm" -> Optional.of(VmmKind.OPENVMM);
            case "containerd-shim-kata-v2" -> Optional.of(VmmKind.DRAGONBALL);
            default -> Optional.empty();
        };
    }

    private static Optional<String> sandboxId(List<String> argv) {
        for (Pattern pattern : List.of(RUN_VC, SANDBOX_NAME)) {
            for (String word : argv.subList(1, argv.size())) {
                Matcher m = pattern.matcher(word);
                if (m.find()) {
                    return Optional.of(m.group(1));
                }
            }
        }
        return valueOf(argv, "-id").or(() -> valueOf(argv, "--id"));
    }

    /** QEMU's {@code -qmp unix:<path>,server=on,...} or {@code unix:path=<path>,...}; a doubled comma is a comma. */
    private static Optional<Path> qmpSocket(List<String> argv) {
        return valueOf(argv, "-qmp").filter(spec -> spec.startsWith("unix:")).map(spec -> {
            String rest = spec.substring("unix:".length());
            rest = rest.startsWith("path=") ? rest.substring("path=".length()) : rest;
            if (rest.startsWith("fd=")) {
                return ""; // a socket passed in by file descriptor has no path to show
            }
            StringBuilder path = new StringBuilder();
            for (int i = 0; i < rest.length(); i++) {
                if (rest.charAt(i) == ',') {
                    if (i + 1 >= rest.length() || rest.charAt(i + 1) != ',') {
                        break;
                    }
                    i++;
                }
                path.append(rest.charAt(i));
            }
            return path.toString();
        }).filter(path -> !path.isEmpty()).map(Path::of);
    }

    private static Optional<String> valueOf(List<String> argv, String option) {
        int at = argv.indexOf(option);
        return at > 0 && at + 1 < argv.size() ? Optional.of(argv.get(at + 1)) : Optional.empty();
    }
}
