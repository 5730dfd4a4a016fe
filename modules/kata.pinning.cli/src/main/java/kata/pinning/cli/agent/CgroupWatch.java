package kata.pinning.cli.agent;

import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Watches the sandbox cgroups' directories through inotify ({@link WatchService}), so that a
 * runtime's write of {@code cpuset.cpus} reaches its sandbox at once; the periodic re-check is the
 * backstop for an event that never comes. One virtual thread waits for the events.
 */
final class CgroupWatch implements AutoCloseable {

    private final WatchService watcher;
    private final Map<WatchKey, ManagedSandbox> sandboxes = new ConcurrentHashMap<>();
    private final Map<ManagedSandbox, WatchKey> keys = new ConcurrentHashMap<>();
    private final Thread thread;

    /**
     * Starts watching.
     *
     * @param changed told of a sandbox whose cgroup directory saw a change
     * @throws IOException if inotify cannot be had
     */
    CgroupWatch(Consumer<ManagedSandbox> changed) throws IOException {
        this.watcher = FileSystems.getDefault().newWatchService();
        this.thread = Thread.ofVirtual().name("cgroup-watch").start(() -> run(changed));
    }

    /**
     * Watches a sandbox's cgroup directory, in place of the one it had.
     *
     * @param sandbox the sandbox
     * @param directory its cgroup directory
     * @throws IOException if the directory cannot be watched, for example because it is gone
     */
    void watch(ManagedSandbox sandbox, Path directory) throws IOException {
        WatchKey key = directory.register(watcher, ENTRY_MODIFY);
        WatchKey before = keys.put(sandbox, key);
        sandboxes.put(key, sandbox);
        if (before != null && before != key) {
            sandboxes.remove(before);
            before.cancel();
        }
    }

    /**
     * Stops watching a sandbox's cgroup.
     *
     * @param sandbox the sandbox
     */
    void forget(ManagedSandbox sandbox) {
        WatchKey key = keys.remove(sandbox);
        if (key != null) {
            sandboxes.remove(key);
            key.cancel();
        }
    }

    private void run(Consumer<ManagedSandbox> changed) {
        try {
            while (true) {
                WatchKey key = watcher.take();
                key.pollEvents(); // which file changed does not matter: the sandbox reads its union again
                ManagedSandbox sandbox = sandboxes.get(key);
                if (sandbox != null) {
                    changed.accept(sandbox);
                }
                key.reset();
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed: the agent is stopping
        }
    }

    @Override
    public void close() throws IOException {
        watcher.close();
        thread.interrupt();
    }
}
