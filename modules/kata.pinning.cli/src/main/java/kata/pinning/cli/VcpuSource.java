package kata.pinning.cli;

import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine;

/** How the CLI finds a VMM's vCPU threads: {@code --vcpu-source}. */
public enum VcpuSource {
    /** QMP when {@code --qmp} is given (QEMU), else thread names when the VMM has them, else the kernel. */
    AUTO("auto"),
    /** QEMU's {@code query-cpus-fast} over {@code --qmp}. */
    QMP("qmp"),
    /** The threads' names, as {@link kata.pinning.VmmKind} lists them. */
    THREAD_NAMES("thread-names"),
    /** The kernel: the VMM's {@code kvm-vcpu:<N>} fds and its threads in {@code KVM_RUN}. */
    KVM("kvm");

    private final String cliName;

    VcpuSource(String cliName) {
        this.cliName = cliName;
    }

    /** {@return the name on the command line and in JSON, such as {@code thread-names}} */
    public String cliName() {
        return cliName;
    }

    /** {@return every source's name, separated by {@code |}} */
    static String names() {
        return Arrays.stream(values()).map(VcpuSource::cliName).collect(Collectors.joining("|"));
    }

    /** Reads {@code --vcpu-source}: one line naming the option and the accepted values when it is none of them. */
    static final class Option implements CommandLine.ITypeConverter<VcpuSource> {
        @Override
        public VcpuSource convert(String value) {
            return Arrays.stream(values()).filter(s -> s.cliName.equals(value)).findFirst()
                    .orElseThrow(() -> new CommandLine.TypeConversionException(
                            "unknown vCPU source '" + value + "': expected one of " + names()));
        }
    }
}
