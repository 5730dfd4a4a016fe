package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import kata.pinning.VmmKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file on disk: absent, written and read back, and every way it can be unusable. */
class StateFileTest {

    @TempDir
    Path dir;

    @Test
    void anAbsentFileIsANewSandbox() {
        assertEquals(Optional.empty(), StateFile.read(dir.resolve("state.json")));
    }

    @Test
    void whatIsWrittenIsReadBackAndNoTemporaryFileRemains() throws Exception {
        Path file = dir.resolve("state.json");
        StateFile.Saved saved = new StateFile.Saved("{\"version\":1,\"containers\":{}}", "pinned", "2 vCPUs for 2 CPUs",
                "cloud-hypervisor", "kvm");
        StateFile.write(file, saved);
        StateFile.write(file, saved);
        StateFile.Saved read = StateFile.read(file).orElseThrow();
        assertEquals(saved.decision(), read.decision());
        assertEquals(saved.reason(), read.reason());
        assertEquals("cloud-hypervisor", read.vmm());
        assertEquals("kvm", read.source());
        assertEquals(Output.JSON.readTree(saved.sandboxJson()), Output.JSON.readTree(read.sandboxJson()));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aFileWrittenBeforeThereWereOtherVmmsIsOfQemu() throws Exception {
        Path file = Files.writeString(dir.resolve("state.json"),
                "{\"sandbox\":{\"version\":1},\"decision\":\"pinned\",\"reason\":\"r\"}");
        StateFile.Saved read = StateFile.read(file).orElseThrow();
        assertEquals("qemu", read.vmm());
        StateFile.checkVmm(file, read, VmmKind.QEMU);
        BadInputException other = assertThrows(BadInputException.class, () -> StateFile.checkVmm(file, read, VmmKind.FIRECRACKER));
        assertEquals("the state file " + file + " is of a qemu sandbox, not firecracker: give --vmm qemu, or a new --state file",
                other.getMessage());
    }

    @Test
    void aTemporaryFileLeftByAKilledWriteChangesNothingAndIsReplacedByTheNextWrite() throws Exception {
        Path file = dir.resolve("state.json");
        StateFile.write(file, new StateFile.Saved("{\"version\":1}", "reset", "before", "qemu", null));
        byte[] before = Files.readAllBytes(file);
        Files.writeString(StateFile.tempFileOf(file), "{\"sandbox\":{\"vers"); // cut off by a kill

        assertEquals("before", StateFile.read(file).orElseThrow().reason());
        assertArrayEquals(before, Files.readAllBytes(file));
        StateFile.write(file, new StateFile.Saved("{\"version\":1}", "pinned", "after", "qemu", "qmp"));

        assertEquals("after", StateFile.read(file).orElseThrow().reason());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aFileThatIsNotAStateIsBadInput() throws Exception {
        for (String text : List.of("", "{", "[]", "{\"sandbox\":{}}", "{\"sandbox\":1,\"decision\":\"x\",\"reason\":\"y\"}",
                "{\"sandbox\":{},\"decision\":\"x\",\"reason\":\"y\",\"vmm\":\"xen\"}",
                "{\"sandbox\":{},\"decision\":\"x\",\"reason\":\"y\",\"vmm\":1}")) {
            Path file = Files.writeString(dir.resolve("state.json"), text);
            BadInputException bad = assertThrows(BadInputException.class, () -> StateFile.read(file), text);
            assertTrue(bad.getMessage().startsWith("the state file " + file), bad.getMessage());
        }
    }

    @Test
    void aMissingDirectoryIsFoundBeforeAnythingChanges() {
        BadInputException bad = assertThrows(BadInputException.class,
                () -> StateFile.checkWritable(dir.resolve("no-such-dir/state.json")));
        assertTrue(bad.getMessage().contains("no-such-dir"), bad.getMessage());
        StateFile.checkWritable(dir.resolve("state.json"));
    }
}
