package kata.pinning.affinity;

/**
 * Run in a child JVM by {@link NativeAccessTest}: prints what this module reports about itself,
 * one {@code key=value} line each.
 */
public final class NativeAccessProbe {

    private NativeAccessProbe() {
    }

    /**
     * Prints availability, the reason, and either the calling thread's id and affinity or the
     * message {@link ThreadAffinity#linux()} refused with.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println("available=" + LinuxThreads.isAvailable());
        System.out.println("reason=" + LinuxThreads.unavailableReason().orElse(""));
        try {
            ThreadAffinity affinity = ThreadAffinity.linux();
            int tid = LinuxThreads.currentThreadId();
            System.out.println("tid=" + tid);
            System.out.println("cpus=" + affinity.get(tid));
        } catch (UnsupportedOperationException e) {
            System.out.println("refused=" + e.getMessage());
        }
    }
}
