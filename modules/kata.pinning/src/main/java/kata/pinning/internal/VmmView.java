package kata.pinning.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the pinning step needs from a running VMM. QEMU is behind {@link QemuVmm}; tests pass fakes.
 */
public interface VmmView {

    /** {@return the VMM's process id} */
    int pid();

    /**
     * Asks the VMM for its vCPUs and their host threads. The answer is not trusted: a thread id
     * may be absent (0 or less), shared by several vCPUs, or not the VMM's at all.
     *
     * @return the vCPUs, in any order
     * @throws IOException if the VMM cannot be asked
     */
    List<Vcpu> vcpus() throws IOException;

    /**
     * {@return whether {@code tid} is a thread of the VMM process now} The real check is the
     * existence of {@code /proc/<pid>/task/<tid>}.
     *
     * @param tid a host thread id, greater than 0
     */
    boolean hasTask(int tid);

    /**
     * {@return whether {@code /proc/<pid>/task/<tid>} exists: the kernel's answer to "is thread
     * {@code tid} part of process {@code pid}"}
     *
     * @param pid a process id
     * @param tid a thread id
     */
    static boolean procHasTask(int pid, int tid) {
        return pid > 0 && tid > 0 && Files.isDirectory(Path.of("/proc", Integer.toString(pid), "task", Integer.toString(tid)));
    }
}
