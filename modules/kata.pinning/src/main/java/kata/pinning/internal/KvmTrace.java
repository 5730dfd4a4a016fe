package kata.pinning.internal;

import java.util.Locale;
import java.util.OptionalInt;

/**
 * What procfs shows of a KVM VMM, read as text: which fd is which vCPU, which task is a kernel
 * worker, and which task is inside {@code ioctl(fd, KVM_RUN)}. Pure parsing, apart from reading.
 *
 * <ul>
 *   <li>{@code readlink /proc/<pid>/fd/<fd>} is {@code anon_inode:kvm-vcpu:<N>} for vCPU {@code N};</li>
 *   <li>{@code /proc/<pid>/task/<tid>/stat} field 9 holds the task's flags; {@code PF_KTHREAD} and
 *       {@code PF_USER_WORKER} mark kernel workers, such as {@code kvm-nx-lpage-recovery}, which is a
 *       task of the VMM and shows the very syscall line of a vCPU it serves;</li>
 *   <li>{@code /proc/<pid>/task/<tid>/syscall} is {@code <nr> <arg1> ... <arg6> <sp> <pc>} with the
 *       arguments in hex, {@code running} while the task is on a CPU, or {@code -1 <sp> <pc>} when it
 *       is blocked outside a system call.</li>
 * </ul>
 */
public final class KvmTrace {

    /** {@code KVM_RUN}, {@code _IO(0xAE, 0x80)}: the same on every architecture KVM runs on. */
    public static final long KVM_RUN = 0xae80;
    /** A kernel thread. */
    public static final long PF_KTHREAD = 0x0020_0000;
    /** A kernel worker that lives in a user process, such as {@code vhost} or {@code kvm-nx-lpage-recovery}. */
    public static final long PF_USER_WORKER = 0x4000;
    /** The {@code ioctl} system call on x86-64. */
    public static final int IOCTL_X86_64 = 16;
    /** The {@code ioctl} system call on arm64 and riscv64, which share the generic table. */
    public static final int IOCTL_GENERIC = 29;

    private static final String VCPU_LINK = "anon_inode:kvm-vcpu:";
    private static final int FLAGS_FIELD = 9;

    private KvmTrace() {
    }

    /** What one read of a task's {@code syscall} file said. */
    public sealed interface Seen {
    }

    /**
     * Inside {@code ioctl(fd, KVM_RUN)}: running the guest, or halted in it.
     *
     * @param fd the vCPU's file descriptor
     */
    public record InKvmRun(int fd) implements Seen {
    }

    /** On a CPU at the moment of the read, so what it does cannot be told. */
    public record Running() implements Seen {
    }

    /**
     * Blocked in another system call, or outside one ({@code -1}).
     *
     * @param syscall the system call number
     */
    public record Elsewhere(long syscall) implements Seen {
    }

    /**
     * {@return the vCPU index an fd's link names, or empty if the fd is no KVM vCPU}
     *
     * @param linkTarget what {@code readlink /proc/<pid>/fd/<fd>} gives
     */
    public static OptionalInt vcpuIndexOf(String linkTarget) {
        if (!linkTarget.startsWith(VCPU_LINK) || linkTarget.length() == VCPU_LINK.length()
                || linkTarget.length() > VCPU_LINK.length() + 10) {
            return OptionalInt.empty();
        }
        long index = 0;
        for (int i = VCPU_LINK.length(); i < linkTarget.length(); i++) {
            char c = linkTarget.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalInt.empty();
            }
            index = index * 10 + (c - '0');
        }
        return index <= Integer.MAX_VALUE ? OptionalInt.of((int) index) : OptionalInt.empty();
    }

    /**
     * {@return the flags, field 9, of a {@code stat} line}
     *
     * @param stat the line; the command name in parentheses may hold anything, so fields are counted after the last ')'
     * @throws IllegalArgumentException if the line has no such field
     */
    public static long flags(String stat) {
        int close = stat.lastIndexOf(')');
        String[] fields = stat.substring(close + 1).strip().split(" ", FLAGS_FIELD - 1);
        if (close < 0 || fields.length < FLAGS_FIELD - 2) {
            throw new IllegalArgumentException("not a stat line: " + stat.strip());
        }
        return Long.parseLong(fields[FLAGS_FIELD - 3]); // fields[0] is field 3, the state
    }

    /**
     * {@return whether a task with these flags is a kernel worker, never a vCPU}
     *
     * @param flags field 9 of the task's {@code stat}
     */
    public static boolean isKernelWorker(long flags) {
        return (flags & (PF_KTHREAD | PF_USER_WORKER)) != 0;
    }

    /**
     * Reads a {@code syscall} line.
     *
     * @param line the file's content
     * @param ioctl the number of {@code ioctl} on this architecture
     * @return what the task was doing
     * @throws IllegalArgumentException if the line is none of the kernel's forms
     */
    public static Seen parseSyscall(String line, int ioctl) {
        String[] words = line.strip().split(" ");
        if (words[0].equals("running")) {
            return new Running();
        }
        try {
            long nr = Long.parseLong(words[0]);
            if (nr == ioctl && words.length >= 3 && hex(words[2]) == KVM_RUN) {
                return new InKvmRun(Math.toIntExact(hex(words[1])));
            }
            return new Elsewhere(nr);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a syscall line: " + line.strip(), e);
        }
    }

    private static long hex(String word) {
        if (!word.startsWith("0x")) {
            throw new NumberFormatException("not hex: " + word);
        }
        return Long.parseUnsignedLong(word, 2, word.length(), 16);
    }

    /**
     * {@return the number of {@code ioctl} for a JVM's {@code os.arch}, or empty where the kernel
     * source of vCPUs is not known to work}
     *
     * @param osArch such as {@code amd64}, {@code aarch64} or {@code riscv64}
     */
    public static OptionalInt ioctlNumber(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> OptionalInt.of(IOCTL_X86_64);
            case "aarch64", "arm64", "riscv64" -> OptionalInt.of(IOCTL_GENERIC);
            default -> OptionalInt.empty();
        };
    }
}
