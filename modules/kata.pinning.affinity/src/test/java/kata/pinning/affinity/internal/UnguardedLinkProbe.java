package kata.pinning.affinity.internal;

/**
 * Run in a child JVM by {@code NativeAccessTest}: links libc without asking {@link NativeSupport}
 * first, to show what the JVM prints when a module without native access does that.
 */
public final class UnguardedLinkProbe {

    private UnguardedLinkProbe() {
    }

    /**
     * Links the two affinity functions and prints {@code linked=<count>}.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println("linked=" + Libc.linkAffinity(Libc.LIBC).size());
    }
}
