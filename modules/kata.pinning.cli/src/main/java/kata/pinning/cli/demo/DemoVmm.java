package kata.pinning.cli.demo;

import java.nio.file.Path;
import java.util.List;

/** A VMM the demo started and stops: a real QEMU ({@link QemuProcess}) or the {@link EmbeddedVmm}. */
public sealed interface DemoVmm extends AutoCloseable permits QemuProcess, EmbeddedVmm {

    /** {@return the VMM's QMP socket} */
    Path qmpSocket();

    /** {@return the VMM's process id, whose tasks its vCPU threads are} */
    int pid();

    /** {@return {@code qemu} or {@code embedded}} */
    String kind();

    /** {@return what this VMM is, for the demo's header} */
    String description();

    /** {@return lines for under the header, such as each choice QEMU's launcher fell back from} */
    List<String> notes();

    /** Stops the VMM and removes what it created. */
    @Override
    void close();
}
