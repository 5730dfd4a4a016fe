package kata.pinning.cli.discover;

import java.util.List;
import java.util.OptionalInt;

/**
 * The vCPUs present at start that QEMU's {@code -smp} gives, as QEMU computes them: a pure decision
 * on the command line's words, for a QEMU whose vCPUs cannot be counted from the kernel (TCG).
 *
 * <p>{@code -smp [[cpus=]N][,maxcpus=M][,sockets=S][,dies=D][,clusters=C][,cores=K][,threads=T]}:
 * {@code N} when given, else {@code M}, else the product of the topology, else 1; with no
 * {@code -smp} at all, 1. When {@code -smp} appears more than once, QEMU takes the last.
 */
public final class SmpOption {

    private static final List<String> TOPOLOGY = List.of("drawers", "books", "sockets", "dies", "clusters", "cores", "threads");

    private SmpOption() {
    }

    /**
     * {@return the vCPUs present at start; empty if the {@code -smp} value is not one QEMU takes}
     *
     * @param argv the command line's words, the executable first
     */
    public static OptionalInt vcpus(List<String> argv) {
        int at = argv.lastIndexOf("-smp");
        if (at < 0) {
            return OptionalInt.of(1);
        }
        if (at + 1 >= argv.size()) {
            return OptionalInt.empty();
        }
        long cpus = 0;
        long maxcpus = 0;
        long topology = 1;
        boolean first = true;
        try {
            for (String part : argv.get(at + 1).split(",")) {
                int eq = part.indexOf('=');
                String key = eq < 0 && first ? "cpus" : eq < 0 ? "" : part.substring(0, eq);
                long value = Long.parseLong(eq < 0 ? part : part.substring(eq + 1));
                first = false;
                if (value < 1) {
                    return OptionalInt.empty();
                }
                switch (key) {
                    case "cpus" -> cpus = value;
                    case "maxcpus" -> maxcpus = value;
                    default -> {
                        if (!TOPOLOGY.contains(key)) {
                            return OptionalInt.empty();
                        }
                        topology *= value;
                    }
                }
            }
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
        long present = cpus > 0 ? cpus : maxcpus > 0 ? maxcpus : topology;
        return present <= Integer.MAX_VALUE ? OptionalInt.of((int) present) : OptionalInt.empty();
    }
}
