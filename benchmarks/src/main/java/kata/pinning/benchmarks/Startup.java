package kata.pinning.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whole-process start-up: {@code bin/kata-pinning --json cpuset 0-1}, launcher script included,
 * against the floor {@code java -version} on the same JDK, run in turn so that both see the same
 * machine. Wall time from start to exit, and the CPU time (user + system) of the process and all it
 * waited for, from this JVM's own children counters in {@code /proc/self/stat}.
 */
final class Startup {

    static final String CLI = "startup.cli";
    static final String FLOOR = "startup.floor";

    /** Linux reports the children's times in clock ticks, 100 a second on every common configuration. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private Startup() {
    }

    /** Runs both commands {@code runs} times each after one warm-up run, and adds wall and CPU samples. */
    static void measure(Report report, Path launcher, Path java, int runs) throws IOException, InterruptedException {
        List<String> cli = List.of(launcher.toString(), "--json", "cpuset", "0-1");
        List<String> floor = List.of(java.toString(), "-version");
        time(cli);
        time(floor);
        for (int i = 0; i < runs; i++) {
            add(report, CLI, time(cli));
            add(report, FLOOR, time(floor));
        }
    }

    private static void add(Report report, String key, long[] wallAndCpu) {
        report.add(key + ".wall", List.of((double) wallAndCpu[0]));
        report.add(key + ".cpu", List.of((double) wallAndCpu[1]));
    }

    /** {@return the wall and CPU nanoseconds of one run of {@code command}, which must succeed} */
    private static long[] time(List<String> command) throws IOException, InterruptedException {
        long cpu0 = childrenCpuNanos();
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int exit = process.waitFor();
        long wall = System.nanoTime() - t0;
        if (exit != 0) {
            throw new IllegalStateException(command + " exited with " + exit);
        }
        return new long[] {wall, childrenCpuNanos() - cpu0};
    }

    /** {@return cutime + cstime of this process: the CPU time of the children it has waited for} */
    private static long childrenCpuNanos() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * NANOS_PER_TICK; // fields 16, 17
    }
}
