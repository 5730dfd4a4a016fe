package kata.pinning.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The public surface: the pass-through cgroup, argument checks, the exception and the exports. */
class SandboxCgroupTest {

    @Test
    void noneWritesNothingAndReadsEmpty() {
        SandboxCgroup none = SandboxCgroup.none();

        none.applyCpuset(CpuSet.of(0, 1), CpuSet.of(0));
        none.addProcess(1);
        none.delete();

        assertEquals(CpuSet.empty(), none.cpus());
        assertEquals(CpuSet.empty(), none.mems());
        assertSame(none, SandboxCgroup.none());
    }

    @Test
    void noneStillRejectsWhatEveryCgroupRejects() {
        SandboxCgroup none = SandboxCgroup.none();

        assertThrows(IllegalArgumentException.class, () -> none.addProcess(0));
        assertThrows(NullPointerException.class, () -> none.applyCpuset(null, CpuSet.empty()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "///", "/kata/../etc", "kata/./sandbox", ".."})
    void cgroupfsRejectsPathsThatDoNotNameACgroupBelowTheRoot(String path) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SandboxCgroup.cgroupfs(path));

        assertTrue(e.getMessage().contains('"' + path + '"'), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void addProcessRejectsPidsThatAreNotProcessesBeforeTouchingTheCgroup(int pid) {
        // Writing 0 to cgroup.procs would move the writer itself: never let it reach the kernel.
        SandboxCgroup cgroup = SandboxCgroup.cgroupfs("/kata-pinning-test-never-created");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cgroup.addProcess(pid));

        assertTrue(e.getMessage().contains(Integer.toString(pid)), e.getMessage());
        assertEquals(CpuSet.empty(), cgroup.cpus());
    }

    @Test
    void exceptionKeepsFileValueAndCauseAcrossSerialization() throws IOException, ClassNotFoundException {
        IOException cause = new IOException("Invalid argument");
        CgroupException original = new CgroupException("cannot write \"4000\" to /cg/cpuset.cpus: Invalid argument",
                Path.of("/cg/cpuset.cpus"), "4000", cause);

        CgroupException copy = roundTrip(original);

        assertEquals(Path.of("/cg/cpuset.cpus"), copy.file());
        assertEquals("4000", copy.value());
        assertEquals(original.getMessage(), copy.getMessage());
        assertEquals("Invalid argument", copy.getCause().getMessage());
    }

    @Test
    void exceptionWithoutCauseHasNone() {
        CgroupException e = new CgroupException("no cpuset hierarchy", Path.of("/proc/self/mountinfo"), "", null);

        assertNull(e.getCause());
        assertEquals("", e.value());
    }

    @Test
    void moduleExportsOnlyTheApiPackage() {
        ModuleDescriptor descriptor = SandboxCgroup.class.getModule().getDescriptor();

        Set<String> exported = descriptor.exports().stream()
                .map(export -> export.source() + (export.isQualified() ? " to " + export.targets() : ""))
                .collect(Collectors.toSet());

        assertEquals(Set.of("kata.pinning.cgroup"), exported);
        assertTrue(descriptor.packages().contains("kata.pinning.cgroup.internal"));
    }

    private static CgroupException roundTrip(CgroupException e) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (CgroupException) in.readObject();
        }
    }
}
