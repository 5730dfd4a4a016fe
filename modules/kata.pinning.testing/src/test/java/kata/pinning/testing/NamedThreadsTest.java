package kata.pinning.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stand-in VMM process: its command line, its threads' names as the kernel keeps them, and its end. */
class NamedThreadsTest {

    @TempDir
    Path dir;

    @Test
    void theThreadsCarryTheirNamesAndTheCommandLineStartsWithTheExecutable() throws Exception {
        NamedThreads vmm = NamedThreads.start(dir, "firecracker", List.of("fc_vcpu 0", "fc_vcpu 0", "fc_vcpu 12345678"),
                List.of(), "--id", "f1");
        Path proc = Path.of("/proc", Integer.toString(vmm.pid()));
        try {
            List<String> argv = List.of(new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).split("\0"));
            assertEquals(dir.toAbsolutePath().resolve("firecracker").toString(), argv.getFirst());
            assertEquals(List.of("--id", "f1"), argv.subList(argv.size() - 2, argv.size()));

            Map<String, List<Integer>> tids = vmm.tids();
            assertEquals(2, tids.get("fc_vcpu 0").size());
            for (int tid : tids.get("fc_vcpu 0")) {
                assertEquals("fc_vcpu 0\n", Files.readString(proc.resolve("task/" + tid + "/comm")));
            }
            assertEquals("fc_vcpu 1234567\n", Files.readString(proc.resolve("task/" + vmm.tid("fc_vcpu 12345678") + "/comm")),
                    "the kernel keeps 15 characters of a name");
            assertThrows(IllegalArgumentException.class, () -> vmm.tid("fc_vcpu 0"), "two threads have that name");
        } finally {
            vmm.close();
        }
        assertFalse(Files.exists(proc), "the process is gone");
        assertFalse(Files.exists(dir.resolve("firecracker"), LinkOption.NOFOLLOW_LINKS), "the link is gone");
    }

    @Test
    void aChurningNameComesAndGoes() throws Exception {
        try (NamedThreads vmm = NamedThreads.start(dir, "cloud-hypervisor", List.of(), List.of("vcpu2"))) {
            Path tasks = Path.of("/proc", Integer.toString(vmm.pid()), "task");
            Set<Integer> seen = new HashSet<>();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (seen.size() < 3 && System.nanoTime() < deadline) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(tasks)) {
                    for (Path task : entries) {
                        try {
                            if (Files.readString(task.resolve("comm")).equals("vcpu2\n")) {
                                seen.add(Integer.parseInt(task.getFileName().toString()));
                            }
                        } catch (IOException exited) {
                            // it came and went
                        }
                    }
                }
            }
            assertTrue(seen.size() >= 3, "threads named vcpu2 seen: " + seen);
        }
    }
}
