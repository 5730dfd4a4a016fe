package kata.pinning.affinity.internal;

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
            throw new UnsupportedOperationException("Linux thread affinity is unavailable: " + reason
                    + " (it needs Linux on a 64-bit CPU and " + flag() + ")");
        });
    }

    /** {@return the JVM option that grants this module native access} */
    static String flag() {
        Module module = NativeSupport.class.getModule();
        return "--enable-native-access=" + (module.isNamed() ? module.getName() : "ALL-UNNAMED");
    }

    private static Optional<String> probe() {
        Optional<String> refusal = refusal(System.getProperty("os.name", "unknown"),
                NativeSupport.class.getModule().isNativeAccessEnabled(), flag());
        if (refusal.isPresent()) {
            return refusal;
        }
        try {
            if (Libc.sizeOfSizeT() != Long.BYTES) {
                return Optional.of("size_t is " + Libc.sizeOfSizeT() + " bytes, not 8");
            }
            Libc.linkAll();
            return Optional.empty();
        } catch (ExceptionInInitializerError e) {
            // A holder's initializer failed: a missing symbol, denied access or an unusable linker.
            return Optional.of("cannot link libc: " + e.getCause());
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("cannot link libc: " + e);
        }
    }

    /**
     * The checks that need no linking, apart so that tests can feed them another platform.
     *
     * @param osName the {@code os.name} system property
     * @param nativeAccessEnabled whether this module may call restricted methods
     * @param flag the option that would grant it native access
     * @return why the bindings cannot be used, or empty if linking them may be tried
     */
    static Optional<String> refusal(String osName, boolean nativeAccessEnabled, String flag) {
        if (!osName.equals("Linux")) {
            return Optional.of("the operating system is " + osName + ", not Linux");
        }
        if (!nativeAccessEnabled) {
            return Optional.of("native access is not enabled; start java with " + flag);
        }
        return Optional.empty();
    }
}
