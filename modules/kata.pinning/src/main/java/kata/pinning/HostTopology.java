package kata.pinning;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.cpuset.HostCpus;

/**
 * The host's NUMA nodes and CPUs, as sysfs describes them, read from a root directory the caller
 * gives: {@code /sys} on the host, a host's sysfs mounted elsewhere in a node agent's container, or
 * a tree of files in a test. Only four kinds of file are read, all under the root:
 * {@code devices/system/node/online}, {@code devices/system/node/node<N>/cpulist},
 * {@code devices/system/cpu/online} and {@code devices/system/cpu/possible}.
 *
 * <p>A kernel without NUMA support has no {@code devices/system/node}; the host is then one node 0
 * holding every online CPU. A node's CPUs are its cpulist's online CPUs; a node may have none
 * (a memory-only node).
 *
 * @since 0.2
 */
public final class HostTopology {

    private final SortedMap<Integer, CpuSet> nodes;
    private final CpuSet online;
    private final CpuSet possible;

    private HostTopology(Map<Integer, CpuSet> nodes, CpuSet online, CpuSet possible) {
        this.nodes = Collections.unmodifiableSortedMap(new TreeMap<>(nodes));
        this.online = online;
        this.possible = possible;
    }

    /**
     * Reads the topology from a sysfs tree.
     *
     * @param sysfsRoot where sysfs is mounted, such as {@code /sys}
     * @return the topology
     * @throws IllegalArgumentException naming the file, if a file is missing, unreadable or not a
     *     list, or a node lists a CPU that is not possible or that another node lists
     */
    public static HostTopology load(Path sysfsRoot) {
        Objects.requireNonNull(sysfsRoot, "sysfsRoot");
        Path cpu = sysfsRoot.resolve("devices/system/cpu");
        CpuSet possible = read(cpu.resolve("possible"));
        CpuSet online = read(cpu.resolve("online"));
        Path node = sysfsRoot.resolve("devices/system/node");
        if (!Files.isDirectory(node)) {
            return new HostTopology(Map.of(0, online), online, possible);
        }
        Map<Integer, CpuSet> nodes = new TreeMap<>();
        for (int id : read(node.resolve("online")).toArray()) {
            Path cpulist = node.resolve("node" + id).resolve("cpulist");
            CpuSet cpus = read(cpulist);
            if (!possible.containsAll(cpus)) {
                throw new IllegalArgumentException(cpulist + " lists CPUs " + cpus.difference(possible)
                        + ", which are not possible (" + possible + ")");
            }
            CpuSet shared = nodes.values().stream().reduce(CpuSet.empty(), CpuSet::union).intersection(cpus);
            if (!shared.isEmpty()) {
                throw new IllegalArgumentException(cpulist + " lists CPUs " + shared + " of another node");
            }
            nodes.put(id, cpus.intersection(online));
        }
        return new HostTopology(nodes, online, possible);
    }

    /**
     * A topology given directly, for example in tests: every listed CPU is online and possible.
     *
     * @param nodes each node's CPUs, by node id; a node may have none
     * @return the topology
     * @throws IllegalArgumentException if a node id is negative or two nodes share a CPU
     */
    public static HostTopology of(Map<Integer, CpuSet> nodes) {
        CpuSet all = CpuSet.empty();
        for (Map.Entry<Integer, CpuSet> e : nodes.entrySet()) {
            if (e.getKey() < 0) {
                throw new IllegalArgumentException("a NUMA node id must not be negative: " + e.getKey());
            }
            if (!all.intersection(e.getValue()).isEmpty()) {
                throw new IllegalArgumentException("node " + e.getKey() + " shares CPUs "
                        + all.intersection(e.getValue()) + " with another node");
            }
            all = all.union(e.getValue());
        }
        return new HostTopology(nodes, all, all);
    }

    /** {@return each online node's online CPUs, by node id} */
    public SortedMap<Integer, CpuSet> nodes() {
        return nodes;
    }

    /**
     * {@return the online CPUs of the given nodes; nodes that are not online add none}
     *
     * @param hostNodes node ids
     */
    public CpuSet cpusOf(CpuSet hostNodes) {
        CpuSet cpus = CpuSet.empty();
        for (int id : hostNodes.toArray()) {
            cpus = cpus.union(nodes.getOrDefault(id, CpuSet.empty()));
        }
        return cpus;
    }

    /** {@return the CPUs online now} */
    public CpuSet onlineCpus() {
        return online;
    }

    /** {@return the CPUs this kernel could ever bring online} */
    public CpuSet possibleCpus() {
        return possible;
    }

    /** Reads one list; a sysfs problem becomes one error naming the file. */
    private static CpuSet read(Path file) {
        try {
            return HostCpus.read(file);
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(e.getCause() instanceof NoSuchFileException
                    ? "no such sysfs file: " + file : e.getMessage() + ": " + e.getCause().getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not a list: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostTopology other && nodes.equals(other.nodes) && online.equals(other.online)
                && possible.equals(other.possible);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nodes, online, possible);
    }

    @Override
    public String toString() {
        return "HostTopology[nodes=" + nodes + ", online=" + online + ", possible=" + possible + "]";
    }
}
