package kata.pinning;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import kata.pinning.internal.ProcTasks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes a task's {@code stat} and {@code comm} files, given as one text split at a line
 * {@value #COMM}. Invariant: the start time is read, or fails only as {@link TaskListing#read}
 * expects (an {@link IOException}, {@link NumberFormatException} or {@link IndexOutOfBoundsException},
 * after which it lists again); the name is the file's text without its newline, at most a buffer's worth.
 */
class TaskFilesFuzzTest {

    private static final String COMM = "#---comm---\n";
    private static final int PID = 4242;
    private static final int TID = 4243;
    @TempDir
    static Path proc;
    private static Path task;

    @BeforeAll
    static void makeTask() throws IOException {
        task = Files.createDirectories(new ProcTasks(proc).taskDir(PID).resolve(Integer.toString(TID)));
    }

    @FuzzTest
    void statAndComm(byte[] input) throws IOException {
        String text = new String(input, UTF_8);
        int split = text.indexOf(COMM);
        Files.writeString(task.resolve("stat"), split < 0 ? text : text.substring(0, split));
        String comm = split < 0 ? "" : text.substring(split + COMM.length());
        Files.writeString(task.resolve("comm"), comm);
        try {
            TaskListing.startTime(task.resolve("stat"));
        } catch (IOException | NumberFormatException | IndexOutOfBoundsException expected) {
            // TaskListing.read lists the tasks again
        }
        Map<Integer, String> names = new ProcTasks(proc).threadNames(PID, new int[] {TID});
        String name = names.get(TID);
        assertTrue(name.length() <= comm.length(), name);
        if (comm.getBytes(UTF_8).length < 64 && comm.endsWith("\n")) {
            assertEquals(comm.substring(0, comm.length() - 1), name);
        }
    }
}
