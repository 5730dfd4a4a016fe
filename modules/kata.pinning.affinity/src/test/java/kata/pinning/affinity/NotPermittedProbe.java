package kata.pinning.affinity;

import kata.pinning.cpuset.CpuSet;

/**
 * Run by {@link NotPermittedTest} as an unprivileged user: tries to change the affinity of a thread
 * that user does not own, and prints what the kernel answered, one {@code key=value} line each.
 */
public final class NotPermittedProbe {

    private NotPermittedProbe() {
    }

    /**
     * Sets thread {@code args[0]} to the CPUs {@code args[1]}.
     *
     * @param args the thread id and a cpulist
     */
    public static void main(String[] args) {
        System.out.println("uid=" + System.getProperty("user.name"));
        try {
            ThreadAffinity.linux().set(Integer.parseInt(args[0]), CpuSet.parse(args[1]));
            System.out.println("set=done");
        } catch (AffinityException e) {
            System.out.println("reason=" + e.reason());
            System.out.println("errno=" + e.errno());
            System.out.println("errnoName=" + e.errnoName());
            System.out.println("threadId=" + e.threadId());
            System.out.println("message=" + e.getMessage());
        }
    }
}
