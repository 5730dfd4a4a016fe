package kata.pinning.cli.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node scan over a tree of files shaped as procfs: a recycled pid is a new process, told apart
 * by its start time; an unchanged process's command line is not read again.
 */
class NodeScanTest {

    @TempDir
    Path proc;

    private void process(int pid, String comm, long startTime, String... argv) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("stat"), pid + " (" + comm + ") S 1 " + pid + " " + pid
                + " 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 3 0 " + startTime + " 1000 10 18446744073709551615\n");
        Files.writeString(dir.resolve("cmdline"), String.join("\0", argv) + "\0");
    }

    @Test
    void aRecycledPidIsANewProcessAndAnUnchangedOneIsNotReadAgain() throws IOException {
        process(4242, "cloud-hypervis", 1000, "cloud-hypervisor", "--api-socket", "/run/vc/vm/first/clh-api.sock");
        process(7, "bash", 10, "bash");
        Files.createDirectories(proc.resolve("self")); // not a pid
        NodeScan scan = new NodeScan(proc);

        List<VmmProcess> first = scan.scan();
        assertEquals(1, first.size(), first::toString);
        assertEquals("first", first.getFirst().sandboxId());
        assertEquals(1000, first.getFirst().startTime());

        // The same process, whatever its cmdline reads now: the stat says it is the one seen.
        Files.writeString(proc.resolve("4242/cmdline"), "cloud-hypervisor\0--api-socket\0/run/vc/vm/other/clh-api.sock\0");
        assertEquals(first, scan.scan());

        // The pid recycled by another sandbox's VMM: a later start time.
        process(4242, "cloud-hypervis", 2000, "cloud-hypervisor", "--api-socket", "/run/vc/vm/second/clh-api.sock");
        List<VmmProcess> recycled = scan.scan();
        assertEquals(1, recycled.size(), recycled::toString);
        assertEquals("second", recycled.getFirst().sandboxId());
        assertEquals(2000, recycled.getFirst().startTime());

        // Exited: gone from the next scan.
        Files.delete(proc.resolve("4242/stat"));
        assertEquals(List.of(), scan.scan());
    }

    @Test
    void aStatLineWithSpacesAndParenthesesInTheNameKeepsItsStartTime() {
        assertEquals(new ProcessStat("a b) (c", 77), ProcessStat.parse(
                "12 (a b) (c) S 1 12 12 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 3 0 77 1000 10").orElseThrow());
        assertEquals(java.util.Optional.empty(), ProcessStat.parse("12 (truncated"));
    }
}
