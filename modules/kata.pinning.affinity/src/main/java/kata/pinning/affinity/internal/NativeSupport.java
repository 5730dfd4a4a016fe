package kata.pinning.affinity.internal;

import java.lang.foreign.SymbolLookup;
import java.util.Optional;

/**
 * Decides once whether the libc bindings may be used, and why not.
 *
 * <p>Unavailability is a value, never a class-initialization failure: the checks run in order,
 * cheapest first, and the bindings are linked only when the platform is 64-bit Linux and this module
 * has native access, so a JVM without the flag neither fails to load this module nor prints the
 * JDK's "restricted method" warning.
 */
public final class NativeSupport {

    private NativeSupport() {
    }

    /** Runs the checks on first use, not when the module is loaded. */
    private static final class Verdict {
        static final Optional<String> REASON = probe();
    }

    /**
     * {@return why the bindings cannot be used here, or empty when they can}
     */
    public static Optional<String> unavailableReason() {
        return Verdict.REASON;
    }

    /**
     * Throws unless the bindings can be used.
     *
     * @throws UnsupportedOperationException saying why, and naming the {@code --enable-native-access}
     *     flag this module needs
     */
    public static void requireAvailable() {
        Verdict.REASON.ifPresent(reason -> {
            throw unavailable(reason);
        });
    }

    /** {@return the exception for a reason from {@link #unavailableReason()}} */
    static UnsupportedOperationException unavailable(String reason) {
        return new UnsupportedOperationException("Linux thread affinity is unavailable: " + reason);
    }

    /** {@return {@code fact} followed by what the bindings need, naming the flag for this module} */
    static String explain(String fact) {
        return fact + "; thread affinity needs Linux on a 64-bit CPU and the JVM option " + flag();
    }

    /** {@return the JVM option that grants this module native access} */
    static String flag() {
        Module module = NativeSupport.class.getModule();
        return "--enable-native-access=" + (module.isNamed() ? module.getName() : "ALL-UNNAMED");
    }

    private static Optional<String> probe() {
        boolean nativeAccess = NativeSupport.class.getModule().isNativeAccessEnabled();
        return refusal(System.getProperty("os.name", "unknown"), nativeAccess)
                .or(() -> linkFailure(Libc.LIBC))
                .map(NativeSupport::explain);
    }

    /**
     * Links the affinity functions, and only those: the calling thread's id is linked apart by
     * {@link ThreadIds}, so a libc without {@code gettid} (glibc before 2.30) still counts as usable.
     *
     * @param lookup where to find the symbols: {@link Libc#LIBC}, or in tests a lookup that lacks some
     * @return why linking failed, or empty when it worked
     */
    static Optional<String> linkFailure(SymbolLookup lookup) {
        try {
            long sizeT = Libc.sizeOfSizeT();
            if (sizeT != Long.BYTES) {
                return Optional.of("size_t is " + sizeT + " bytes, not 8");
            }
            Libc.linkAffinity(lookup);
            return Optional.empty();
        } catch (RuntimeException | LinkageError e) {
            // A missing symbol, denied access or an unusable linker.
            return Optional.of("cannot link libc: " + e);
        }
    }

    /**
     * The checks that need no linking, apart so that tests can feed them another platform.
     *
     * @param osName the {@code os.name} system property
     * @param nativeAccessEnabled whether this module may call restricted methods
     * @return why the bindings cannot be used, or empty if linking them may be tried
     */
    static Optional<String> refusal(String osName, boolean nativeAccessEnabled) {
        if (!osName.equals("Linux")) {
            return Optional.of("the operating system is " + osName);
        }
        if (!nativeAccessEnabled) {
            return Optional.of("native access is not enabled");
        }
        return Optional.empty();
    }
}
