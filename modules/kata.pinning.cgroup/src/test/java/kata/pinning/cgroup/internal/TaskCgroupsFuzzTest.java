package kata.pinning.cgroup.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import kata.pinning.cgroup.CgroupException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the location of a task's cpuset cgroup from its {@code cgroup} file and the host's
 * {@code mountinfo}, given as one text split at a line {@value #MOUNTINFO}. Invariant: the task's
 * cgroup is located, or a {@link CgroupException} names the file or the cgroup path at fault.
 */
class TaskCgroupsFuzzTest {

    private static final String MOUNTINFO = "#---mountinfo---\n";
    private static final int PID = 4242;
    @TempDir
    static Path root;
    private static Path proc;
    private static Path sysfs;
    private static Path cgroupFile;
    private static Path mountinfo;

    @BeforeAll
    static void makeProcRoot() throws IOException {
        proc = root.resolve("proc");
        sysfs = Files.createDirectories(root.resolve("sys"));
        cgroupFile = Files.createDirectories(proc.resolve(PID + "/task/" + PID)).resolve("cgroup");
        mountinfo = Files.createDirectories(proc.resolve("1")).resolve("mountinfo");
    }

    @FuzzTest
    void locate(byte[] input) throws IOException {
        String text = new String(input, UTF_8);
        int split = text.indexOf(MOUNTINFO);
        String cgroup = split < 0 ? text : text.substring(0, split);
        String mounts = split < 0 ? "" : text.substring(split + MOUNTINFO.length());
        Files.writeString(cgroupFile, cgroup);
        Files.writeString(mountinfo, mounts);
        try {
            TaskCgroups.Location location = TaskCgroups.locate(proc, sysfs, PID, PID);
            assertTrue(cgroup.contains(location.rendered()), location::toString);
        } catch (CgroupException e) {
            String message = e.getMessage();
            assertTrue(message.contains(cgroupFile.toString()) || message.contains(mountinfo.toString()), message);
        }
    }
}
