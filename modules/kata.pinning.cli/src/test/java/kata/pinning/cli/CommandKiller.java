package kata.pinning.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Sends SIGKILL to a lifecycle command at a moment drawn from one of three schedules, watching the
 * state file's directory through inotify to time the kills that must hit the write.
 */
final class CommandKiller implements AutoCloseable {

    /** When the kill is sent. */
    enum Schedule {
        /** After a delay drawn over a command's duration: mostly during JVM start-up. */
        DELAY,
        /** As soon as {@code <state>.tmp} is created or written: during the write. */
        AT_TEMP_FILE,
        /** Shortly after the new state is renamed into place: after the write. */
        AFTER_RENAME
    }

    /**
     * What happened.
     *
     * @param sent whether the kill was sent; false when the command had exited before
     * @param sawTemp whether the command had started writing {@code <state>.tmp} by then
     * @param sentAt {@link System#nanoTime()} when the kill was sent, or the command found exited
     */
    record Kill(boolean sent, boolean sawTemp, long sentAt) {
    }

    private final WatchService watch;
    private final String stateName;
    private final String tempName;
    private final Random random;
    private final long commandMillis;

    /**
     * Watches the directory of {@code state}.
     *
     * @param state the state file
     * @param random where delays come from
     * @param commandMillis how long an uninterrupted command takes
     */
    CommandKiller(Path state, Random random, long commandMillis) throws IOException {
        this.watch = state.getFileSystem().newWatchService();
        state.toAbsolutePath().getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY);
        this.stateName = state.getFileName().toString();
        this.tempName = StateFile.tempFileOf(state).getFileName().toString();
        this.random = random;
        this.commandMillis = commandMillis;
    }

    /** {@return a schedule drawn at random, DELAY and AT_TEMP_FILE twice as often as AFTER_RENAME} */
    Schedule nextSchedule() {
        return Schedule.values()[random.nextInt(5) % 3];
    }

    /** Forgets the events of earlier commands; call before starting the next. */
    void reset() {
        for (WatchKey key = watch.poll(); key != null; key = watch.poll()) {
            key.pollEvents();
            key.reset();
        }
    }

    /** Sends SIGKILL to {@code process} per the schedule, unless it has exited before. */
    Kill kill(Process process, Schedule schedule) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
                schedule == Schedule.DELAY ? random.nextLong(commandMillis) : 30_000);
        String trigger = switch (schedule) {
            case DELAY -> null;
            case AT_TEMP_FILE -> tempName;
            case AFTER_RENAME -> stateName; // the rename shows as the creation of the state file's name
        };
        boolean sawTemp = false;
        while (process.isAlive() && System.nanoTime() < deadline) {
            WatchKey key = watch.poll(1, TimeUnit.MILLISECONDS);
            if (key == null) {
                continue;
            }
            boolean triggered = false;
            for (WatchEvent<?> event : key.pollEvents()) {
                String name = String.valueOf(event.context());
                sawTemp |= name.equals(tempName);
                triggered |= name.equals(trigger);
            }
            key.reset();
            if (triggered) {
                if (schedule == Schedule.AFTER_RENAME) {
                    Thread.sleep(random.nextLong(Math.max(1, commandMillis / 16))); // the command exits soon after
                }
                break;
            }
        }
        long sentAt = System.nanoTime();
        if (!process.isAlive()) {
            return new Kill(false, sawTemp, sentAt);
        }
        process.destroyForcibly(); // SIGKILL
        return new Kill(true, sawTemp, sentAt);
    }

    @Override
    public void close() throws IOException {
        watch.close();
    }
}
