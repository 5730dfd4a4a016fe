package kata.pinning.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A proc-shaped tree of real files for one process: fd symlinks whose targets are the names procfs
 * shows ({@code anon_inode:kvm-vcpu:N}, which need not exist), and per task a {@code stat} and a
 * {@code syscall} file as the kernel words them.
 */
final class ProcTree {

    /** The {@code ioctl} number of the architecture the tests run on. */
    static final int IOCTL = KvmTrace.ioctlNumber(System.getProperty("os.arch")).orElse(KvmTrace.IOCTL_X86_64);
    /** What a task on a CPU shows. */
    static final String RUNNING = "running";
    /** A task blocked in {@code futex} (202 on x86-64; only its being no {@code ioctl} matters). */
    static final String FUTEX = "202 0x7f3a2c000b70 0x80 0x0 0x0 0x0 0x0 0x7f3a2bffe6b0 0x7f3a31c91e2e";
    /** Flags of an ordinary user thread: {@code PF_RANDOMIZE | PF_FORKNOEXEC}. */
    static final long USER = 0x40_0040;
    /** A user worker, as {@code kvm-nx-lpage-recovery} is on a recent kernel: {@code PF_USER_WORKER} too. */
    static final long USER_WORKER = USER | KvmTrace.PF_USER_WORKER;
    /** A kernel thread: {@code PF_KTHREAD | PF_NOFREEZE}. */
    static final long KTHREAD = KvmTrace.PF_KTHREAD | 0x8000;

    final Path root;
    final int pid;

    ProcTree(Path root, int pid) throws IOException {
        this.root = root;
        this.pid = pid;
        Files.createDirectories(dir().resolve("fd"));
        Files.createDirectories(dir().resolve("task"));
    }

    private Path dir() {
        return root.resolve(Integer.toString(pid));
    }

    /** {@return the {@code syscall} line of a thread inside {@code ioctl(fd, KVM_RUN)}} */
    static String inKvmRun(int fd) {
        return IOCTL + " 0x" + Integer.toHexString(fd) + " 0xae80 0x0 0x0 0x0 0x0 0x7f3a2bffe5d8 0x7f3a31d1c8bb";
    }

    ProcTree vcpuFd(int fd, int index) throws IOException {
        return fd(fd, "anon_inode:kvm-vcpu:" + index);
    }

    ProcTree fd(int fd, String target) throws IOException {
        Files.createSymbolicLink(dir().resolve("fd").resolve(Integer.toString(fd)), Path.of(target));
        return this;
    }

    ProcTree task(int tid, String syscall) throws IOException {
        return task(tid, USER, syscall);
    }

    ProcTree task(int tid, long flags, String syscall) throws IOException {
        Path task = Files.createDirectories(taskDir(tid));
        // Fields 3 to 24; field 9 holds the flags and field 22 the start time. The name has a ')' and spaces.
        Files.writeString(task.resolve("stat"), tid + " (qemu) (x y) S 1 " + pid + " " + pid + " 0 -1 " + flags
                + " 100 0 0 0 5 3 0 0 20 0 1 0 " + (1000 + tid) + " 123456 789\n");
        syscall(tid, syscall);
        return this;
    }

    void syscall(int tid, String line) throws IOException {
        Files.writeString(taskDir(tid).resolve("syscall"), line + "\n");
    }

    Path taskDir(int tid) {
        return dir().resolve("task").resolve(Integer.toString(tid));
    }

    /** Removes a task, as the kernel does when the thread exits. */
    void remove(int tid) {
        try (Stream<Path> files = Files.walk(taskDir(tid))) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
