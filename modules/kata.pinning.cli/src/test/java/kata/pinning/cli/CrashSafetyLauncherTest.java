package kata.pinning.cli;

import static kata.pinning.cli.Launcher.kataPinning;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Lifecycle commands killed with SIGKILL at random moments, against a real QEMU: before they write
 * the state file, while they write it, and after. Each time the file must be whole JSON holding
 * either the state before the command or the state after it, and the commands after it must work.
 *
 * <p>The moments come from three schedules: a delay drawn over the measured duration of a command
 * (mostly JVM start-up, so mostly before the write); the appearance of {@code <state>.tmp}, seen
 * through inotify (during the write); and the rename of the new state into place, plus a delay
 * (after). Each run is then classified by what it left: the new state, or the old one with or
 * without having started the temporary file.
 *
 * <p>JVM start-up is most of a command's time. To keep 200 of them within a couple of minutes, the
 * commands run with {@code JDK_JAVA_OPTIONS} naming a class-data archive that the first one writes,
 * the C1 compiler only and the serial collector: the same launcher and code, started faster.
 */
class CrashSafetyLauncherTest {

    private static final int COMMANDS = 200;
    private static final Set<String> DECISIONS = Set.of("pinned", "reset", "unchanged", "skipped");

    @TempDir
    static Path dir;
    static LiveVm vm;

    /** What the killed command had done, judged by the files it left. */
    private enum Moment { BEFORE_WRITE, DURING_WRITE, AFTER_WRITE, EXITED_BEFORE_KILL }

    @BeforeAll
    static void boot() throws Exception {
        vm = LiveVm.start(dir);
        kataPinning(vm.args("vm-started")).assertSuccess();
    }

    @AfterAll
    static void stop() {
        if (vm != null) {
            vm.close();
        }
    }

    @Test
    void aKilledCommandLeavesTheStateBeforeItOrAfterItAndTheNextCommandWorks() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Cycle cycle = new Cycle(vm.twoCpus());
        Path archive = dir.resolve("kata-pinning.jsa");
        Run first = start(cycle.next(Files.readAllBytes(vm.state)), "-XX:ArchiveClassesAtExit=" + archive);
        assertTrue(first.process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, first.process.exitValue(), first::output);
        String fastStart = "-XX:SharedArchiveFile=" + archive;
        long[] durations = new long[3];
        for (int i = 0; i < durations.length; i++) {
            long start = System.nanoTime();
            Run run = start(cycle.next(Files.readAllBytes(vm.state)), fastStart);
            assertTrue(run.process.waitFor(60, TimeUnit.SECONDS));
            durations[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(0, run.process.exitValue(), run::output);
        }
        Arrays.sort(durations);
        long commandMillis = durations[1];

        Map<Moment, List<Long>> killedAt = new EnumMap<>(Moment.class);
        Path temp = StateFile.tempFileOf(vm.state);
        try (CommandKiller killer = new CommandKiller(vm.state, random, commandMillis)) {
            for (int i = 0; i < COMMANDS; i++) {
                byte[] before = Files.readAllBytes(vm.state);
                Step step = cycle.next(before);
                CommandKiller.Schedule schedule = killer.nextSchedule();
                killer.reset();
                long start = System.nanoTime();
                Run run = start(step, fastStart);
                CommandKiller.Kill kill = killer.kill(run.process, schedule);
                assertTrue(run.process.waitFor(60, TimeUnit.SECONDS));
                long millis = TimeUnit.NANOSECONDS.toMillis(kill.sentAt() - start);
                byte[] after = Files.readAllBytes(vm.state);
                String context = "command " + i + " " + step.args + ", " + schedule + " after " + millis
                        + " ms, seed " + seed + "\n" + run.output();

                JsonNode saved = Output.JSON.readTree(after); // whole JSON, and a state file:
                StateFile.read(vm.state);
                Moment moment;
                if (!kill.sent()) {
                    assertEquals(KataPinning.OK, run.process.exitValue(), context);
                    moment = Moment.EXITED_BEFORE_KILL;
                } else if (Arrays.equals(before, after)) {
                    moment = kill.sawTemp() ? Moment.DURING_WRITE : Moment.BEFORE_WRITE;
                } else {
                    moment = Moment.AFTER_WRITE;
                }
                if (!Arrays.equals(before, after)) {
                    assertEquals(step.containersAfter, Cycle.containers(saved), context);
                    assertTrue(DECISIONS.contains(saved.path("decision").stringValue()), context);
                } else {
                    assertNotEquals(Moment.EXITED_BEFORE_KILL, moment, context);
                }
                killedAt.computeIfAbsent(moment, m -> new ArrayList<>()).add(millis);
            }
        }
        System.out.println("killed " + COMMANDS + " commands (one takes about " + commandMillis + " ms): "
                + spread(killedAt) + ", temporary file left: " + Files.exists(temp));

        // The sandbox goes on: one more command, uninterrupted, and the kernel matches its state.
        Step last = cycle.next(Files.readAllBytes(vm.state));
        Run run = start(last, fastStart);
        assertTrue(run.process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, run.process.exitValue(), run::output);
        assertEquals(last.containersAfter, Cycle.containers(Output.JSON.readTree(Files.readAllBytes(vm.state))));
        cycle.checkKernel(kataPinning(vm.args("--json", "status")).json(), last.containersAfter);
        assertTrue(killedAt.containsKey(Moment.BEFORE_WRITE) && killedAt.containsKey(Moment.AFTER_WRITE),
                () -> spread(killedAt));
    }

    /** {@return per moment: how many, and the earliest, median and latest kill in ms after the start} */
    private static String spread(Map<Moment, List<Long>> killedAt) {
        StringBuilder text = new StringBuilder();
        killedAt.forEach((moment, millis) -> {
            List<Long> sorted = millis.stream().sorted().toList();
            text.append(text.isEmpty() ? "" : ", ").append(moment).append(' ').append(sorted.size())
                    .append(" (").append(sorted.getFirst()).append('/').append(sorted.get(sorted.size() / 2))
                    .append('/').append(sorted.getLast()).append(" ms)");
        });
        return text.toString();
    }

    /** The cycle of commands, chosen from what the state file holds: add c1, narrow it, delete it. */
    private record Cycle(CpuSet two) {

        Step next(byte[] state) throws IOException {
            Map<String, String> now = containers(Output.JSON.readTree(state));
            String low = Integer.toString(two.first());
            if (now.isEmpty()) {
                return new Step(List.of("container", "add", "c1", "--cpus", two.toString()), Map.of("c1", two.toString()));
            }
            if (now.get("c1").equals(two.toString())) {
                return new Step(List.of("container", "update", "c1", "--cpus", low), Map.of("c1", low));
            }
            return new Step(List.of("container", "delete", "c1"), Map.of());
        }

        /** {@return each container's cpus, from a state file} */
        static Map<String, String> containers(JsonNode state) {
            Map<String, String> containers = new TreeMap<>();
            state.path("sandbox").path("containers").properties()
                    .forEach(e -> containers.put(e.getKey(), e.getValue().path("cpus").stringValue()));
            return containers;
        }

        /** Checks each vCPU's affinity in /proc against the rule for the containers' union. */
        void checkKernel(JsonNode status, Map<String, String> containers) throws IOException {
            List<Integer> tids = status.path("vcpus").valueStream().map(v -> v.path("threadId").intValue()).toList();
            for (int i = 0; i < tids.size(); i++) {
                CpuSet expected = containers.isEmpty() ? vm.qemuAffinity()
                        : containers.get("c1").equals(two.toString()) ? CpuSet.of(two.nth(i)) : CpuSet.of(two.first());
                assertEquals(expected, vm.allowedCpus(tids.get(i)), "vCPU " + i + " in /proc: " + status);
            }
        }
    }

    /** A lifecycle command and the containers the state file holds once it is done. */
    private record Step(List<String> args, Map<String, String> containersAfter) {
    }

    private record Run(Process process, Path outputFile) {
        String output() {
            try {
                return Files.readString(outputFile);
            } catch (IOException e) {
                return e.toString();
            }
        }
    }

    /** Starts {@code bin/kata-pinning} on the jars as they are, its output in one file. */
    private static Run start(Step step, String archiveOption) throws IOException {
        List<String> command = new ArrayList<>(List.of(Launcher.KATA_PINNING.toString()));
        command.addAll(List.of(vm.args(step.args.toArray(String[]::new))));
        Path output = dir.resolve("command.out");
        ProcessBuilder builder = new ProcessBuilder(command).directory(Launcher.ROOT.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("KATA_PINNING_NO_BUILD", "1"); // the jars were built by vm-started
        builder.environment().put("JAVA_HOME", System.getProperty("java.home")); // found at once
        builder.environment().put("JDK_JAVA_OPTIONS", archiveOption + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off");
        return new Run(builder.start(), output);
    }
}
