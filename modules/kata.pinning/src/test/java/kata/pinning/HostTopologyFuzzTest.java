package kata.pinning;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the sysfs topology files. The input's lines are {@code cpu/possible}, {@code cpu/online},
 * then, when present, {@code node/online} and {@code node/nodeN/cpulist} for N = 0, 1, ... .
 * Invariant: the topology is read, with nodes that share no CPU and hold only online CPUs; or an
 * {@link IllegalArgumentException} names the sysfs file at fault.
 */
class HostTopologyFuzzTest {

    private static final int MAX_NODES = 8;
    @TempDir
    static Path sysfs;

    @FuzzTest
    void load(byte[] input) throws IOException {
        String[] lines = new String(input, UTF_8).split("\n", -1);
        reset();
        Path cpu = Files.createDirectories(sysfs.resolve("devices/system/cpu"));
        Files.writeString(cpu.resolve("possible"), lines[0]);
        if (lines.length > 1) {
            Files.writeString(cpu.resolve("online"), lines[1]);
        }
        if (lines.length > 2) {
            Path node = Files.createDirectories(sysfs.resolve("devices/system/node"));
            Files.writeString(node.resolve("online"), lines[2]);
            for (int i = 3; i < lines.length && i - 3 < MAX_NODES; i++) {
                Path dir = Files.createDirectories(node.resolve("node" + (i - 3)));
                Files.writeString(dir.resolve("cpulist"), lines[i]);
            }
        }
        HostTopology topology;
        try {
            topology = HostTopology.load(sysfs);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains(sysfs.resolve("devices/system").toString()), e.getMessage());
            return;
        }
        CpuSet seen = CpuSet.empty();
        for (CpuSet cpus : topology.nodes().values()) {
            assertTrue(topology.onlineCpus().containsAll(cpus), topology::toString);
            assertTrue(seen.intersection(cpus).isEmpty(), () -> "nodes share CPUs: " + topology);
            seen = seen.union(cpus);
        }
        assertEquals(topology, HostTopology.load(sysfs));
    }

    private static void reset() throws IOException {
        Path devices = sysfs.resolve("devices");
        if (Files.exists(devices)) {
            try (Stream<Path> files = Files.walk(devices)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }
}
