package kata.pinning.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kata.pinning.VcpuThread;
import kata.pinning.VmmKind;

/**
 * Which threads are vCPUs, by the names their VMM gives them: a pure decision on
 * {@code (thread id, comm)} pairs, apart from reading procfs.
 *
 * <p>A name is a vCPU only if it matches the VMM's whole pattern, with the index written as the
 * VMMs print it: decimal, without a sign or leading zeros. {@code vcpu_x}, {@code vcpuX},
 * {@code vcpu12abc} and {@code vcpu01} are not vCPUs. The kernel keeps only the first
 * {@value #COMM_LENGTH} characters of a thread's name, so a name of that length whose index runs to
 * its end may have lost digits ({@code fc_vcpu 12345678} reads as {@code fc_vcpu 1234567}); its
 * index is not trusted and the thread is not taken.
 */
public final class VcpuNames {

    /** The longest thread name the kernel keeps: {@code TASK_COMM_LEN} less the NUL. */
    public static final int COMM_LENGTH = 15;

    private static final String INDEX = "(0|[1-9][0-9]{0,9})";
    private static final Map<VmmKind, Pattern> PATTERNS = new EnumMap<>(Map.of(
            VmmKind.QEMU, Pattern.compile("CPU " + INDEX + "/[A-Za-z0-9]+"),
            VmmKind.CLOUD_HYPERVISOR, Pattern.compile("vcpu" + INDEX),
            VmmKind.FIRECRACKER, Pattern.compile("fc_vcpu " + INDEX),
            VmmKind.DRAGONBALL, Pattern.compile("db_vcpu" + INDEX),
            VmmKind.OPENVMM, Pattern.compile("vp-" + INDEX)));

    private VcpuNames() {
    }

    /**
     * {@return the vCPU index a thread name stands for, or empty if it is not a vCPU thread of that VMM}
     *
     * @param kind the VMM
     * @param comm the thread's name as {@code /proc/<pid>/task/<tid>/comm} holds it, without the newline
     */
    public static OptionalInt indexOf(VmmKind kind, String comm) {
        Matcher m = PATTERNS.get(Objects.requireNonNull(kind, "kind")).matcher(comm);
        if (!m.matches() || (comm.length() >= COMM_LENGTH && m.end(1) == comm.length())) {
            return OptionalInt.empty();
        }
        long index = Long.parseLong(m.group(1));
        return index <= Integer.MAX_VALUE ? OptionalInt.of((int) index) : OptionalInt.empty();
    }

    /**
     * Picks the vCPU threads out of a process's threads.
     *
     * @param kind the VMM
     * @param commsByTid each thread's name, by thread id
     * @return the vCPUs in index order, without a guest NUMA node
     * @throws IllegalArgumentException naming both threads if two claim the same index
     */
    public static List<VcpuThread> vcpus(VmmKind kind, Map<Integer, String> commsByTid) {
        Map<Integer, Integer> tidByIndex = new HashMap<>();
        List<VcpuThread> vcpus = new ArrayList<>();
        commsByTid.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(task -> {
            OptionalInt index = indexOf(kind, task.getValue());
            if (index.isEmpty()) {
                return;
            }
            Integer other = tidByIndex.putIfAbsent(index.getAsInt(), task.getKey());
            if (other != null) {
                throw new IllegalArgumentException("two threads claim vCPU " + index.getAsInt() + ": " + other + " ("
                        + commsByTid.get(other) + ") and " + task.getKey() + " (" + task.getValue() + ")");
            }
            vcpus.add(new VcpuThread(index.getAsInt(), task.getKey()));
        });
        vcpus.sort(Comparator.comparingInt(VcpuThread::index));
        return List.copyOf(vcpus);
    }
}
