package kata.pinning.affinity.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The kernel id of the calling thread, linked apart from the affinity functions of {@link Libc}.
 * <pre>
 * pid_t gettid(void);                 // &lt;unistd.h&gt;, glibc 2.30 and later
 * long  syscall(long number, ...);    // &lt;unistd.h&gt;, every glibc
 * </pre>
 *
 * <p>glibc before 2.30 (RHEL 8 has 2.28) has no {@code gettid} function, only the system call. Where
 * the symbol is missing, the same number comes from {@code syscall(SYS_gettid)}, whose number
 * depends on the architecture. Either way a failure here touches only
 * {@link LinuxThreadAffinity#currentThreadId()}, never the affinity calls.
 */
final class ThreadIds {

    /** {@code SYS_gettid} on x86-64. */
    static final long X86_64_GETTID = 186;
    /** {@code SYS_gettid} in the kernel's generic table, used by arm64 and riscv64. */
    static final long GENERIC_GETTID = 178;

    private ThreadIds() {
    }

    /** Links on first use; keeps the failure, whose message a later call repeats. */
    private static final class OfLibc {
        static final MethodHandle HANDLE;
        static final UnsupportedOperationException FAILURE;

        static {
            MethodHandle handle = null;
            UnsupportedOperationException failure = null;
            try {
                handle = link(Libc.LIBC, System.getProperty("os.arch", "unknown"));
            } catch (UnsupportedOperationException e) {
                failure = e;
            }
            HANDLE = handle;
            FAILURE = failure;
        }
    }

    /**
     * {@return the kernel id of the calling thread}
     *
     * @throws UnsupportedOperationException if libc has neither {@code gettid} nor a
     *     {@code syscall} whose number for it is known on this architecture
     */
    static int current() {
        if (OfLibc.HANDLE == null) {
            throw new UnsupportedOperationException(OfLibc.FAILURE.getMessage(), OfLibc.FAILURE);
        }
        return call(OfLibc.HANDLE);
    }

    /**
     * {@return the id of the calling thread, from a handle of {@link #link}}
     *
     * @param handle a handle of type {@code ()int}
     */
    static int call(MethodHandle handle) {
        try {
            return (int) handle.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError("thread id downcall threw", t);
        }
    }

    /**
     * Links {@code gettid} from {@code lookup} or, where it lacks that symbol, {@code syscall} bound
     * to this architecture's {@code SYS_gettid}.
     *
     * @param lookup where to find the symbols: {@link Libc#LIBC}, or in tests a lookup that lacks some
     * @param osArch the {@code os.arch} system property
     * @return a handle of type {@code ()int}; gettid(2) cannot fail, so there is no errno to capture
     * @throws UnsupportedOperationException if neither way is available, saying why
     */
    static MethodHandle link(SymbolLookup lookup, String osArch) {
        if (lookup.find("gettid").isPresent()) {
            return Libc.downcall(lookup, "gettid", FunctionDescriptor.of(JAVA_INT));
        }
        long number = syscallNumber(osArch);
        MethodHandle syscall = Libc.downcall(lookup, "syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(1)); // variadic, called with no argument after the number
        MethodHandle bound = MethodHandles.insertArguments(syscall, 0, number);
        return MethodHandles.explicitCastArguments(bound, MethodType.methodType(int.class)); // pid_t fits an int
    }

    /**
     * {@return {@code SYS_gettid} for an architecture}
     *
     * @param osArch the {@code os.arch} system property, such as {@code amd64}
     * @throws UnsupportedOperationException for an architecture whose number is not known here
     */
    static long syscallNumber(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> X86_64_GETTID;
            case "aarch64", "riscv64" -> GENERIC_GETTID;
            default -> throw new UnsupportedOperationException("libc has no function gettid, and the number of the "
                    + "gettid system call on " + osArch + " is not known here");
        };
    }
}
