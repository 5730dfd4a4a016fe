package kata.pinning.cli.discover;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * How many KVM vCPUs a process has: its fds whose link is {@code anon_inode:kvm-vcpu:<N>}, one per
 * vCPU, whatever the VMM and however it names its threads. Reading another process's fd links
 * needs {@code CAP_SYS_PTRACE}.
 */
final class VcpuFds {

    private static final String VCPU_LINK = "anon_inode:kvm-vcpu:";

    private VcpuFds() {
    }

    /** {@return the count; empty when the fds cannot be read (no permission, or the process is gone)} */
    static OptionalInt count(Path procRoot, int pid) {
        int vcpus = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(procRoot.resolve(Integer.toString(pid)).resolve("fd"))) {
            for (Path fd : fds) {
                if (isVcpu(fd)) {
                    vcpus++;
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(vcpus);
    }

    private static boolean isVcpu(Path fd) throws IOException {
        try {
            return Files.readSymbolicLink(fd).toString().startsWith(VCPU_LINK);
        } catch (NoSuchFileException closed) {
            return false; // closed since the listing
        }
    }
}
