package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/kata-jshell} runs a script that parses a cpuset and pins the thread running it. */
class JshellLauncherTest {

    @Test
    void aScriptParsesACpusetAndPinsItsThread(@TempDir Path dir) throws Exception {
        // No import: bin/kata-jshell imports the main packages. The kernel's view is read back from /proc.
        Path script = Files.writeString(dir.resolve("pin.jsh"), """
                String cpulist = LinuxThreads.processAffinity().toString()
                CpuSet allowed = CpuSet.parse(cpulist)
                int cpu = allowed.last()
                int tid = LinuxThreads.currentThreadId()
                ThreadAffinity.linux().set(tid, CpuSet.of(cpu))
                System.out.println("pinned thread to " + cpu + ", affinity now " + ThreadAffinity.linux().get(tid))
                System.out.println("kernel: " + java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/task/" + tid + "/status")).stream().filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow())
                /exit
                """);
        Launcher.Result run = Launcher.run(List.of(Launcher.KATA_JSHELL.toString(), script.toString()), Map.of());
        assertEquals(0, run.exitCode(), run::toString);
        List<String> lines = run.stdout().lines().toList();
        assertEquals(2, lines.size(), run::toString);
        String cpu = lines.getFirst().replaceFirst("^pinned thread to (\\d+), affinity now \\1$", "$1");
        assertTrue(cpu.matches("\\d+"), run::toString);
        assertEquals("kernel: Cpus_allowed_list:\t" + cpu, lines.get(1), run::toString);
    }
}
