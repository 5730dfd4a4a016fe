package kata.pinning.cli.agent;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The node agent's loop: scans the node for VMM processes every scan interval (a new one is
 * taken over, one that exited is forgotten, a recycled pid is told apart by its start time), sends
 * each sandbox its cgroup's changes as inotify reports them, and re-checks every sandbox every
 * re-check interval. Every thread of its own is virtual: the two timers, the cgroup watch, and
 * the steps, which run one at a time per sandbox, with triggers that arrive meanwhile folded into one.
 */
final class Agent implements AutoCloseable {

    /** A process found by the scan: its pid and start time, which stay unique after the pid is recycled. */
    private record Key(int pid, long startTime) {
    }

    /** The longest wait before a sandbox that failed is tried again. */
    private static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final AgentContext context;
    private final NodeScan scan;
    private final Map<Key, ManagedSandbox> sandboxes = new ConcurrentHashMap<>();
    private final Map<Key, long[]> retries = new ConcurrentHashMap<>(); // {when, delay} in nanoTime
    private final ExecutorService steps = Executors.newVirtualThreadPerTaskExecutor();
    private final CgroupWatch watch;
    private final List<Thread> timers = new ArrayList<>();
    private volatile boolean ready;

    Agent(AgentContext context) throws IOException {
        this.context = context;
        this.scan = new NodeScan(context.procRoot());
        this.watch = new CgroupWatch(this::cgroupChanged);
        context.metrics().follow(sandboxes::values);
    }

    /**
     * Scans the node once: takes over the VMMs that are new and forgets those that exited.
     *
     * @param waitForStarts whether to return only once every new sandbox had its first step
     * @throws IOException if the proc root cannot be listed
     */
    void scan(boolean waitForStarts) throws IOException {
        Set<Key> seen = new HashSet<>();
        List<Future<?>> starts = new ArrayList<>();
        for (VmmProcess process : scan.scan()) {
            Key key = new Key(process.pid(), process.startTime());
            seen.add(key);
            ManagedSandbox known = sandboxes.get(key);
            if (known == null) {
                ManagedSandbox found = new ManagedSandbox(process, context);
                sandboxes.put(key, found);
                if (found.state() != SandboxState.NOT_KATA) {
                    context.log().event("info", "found", process.sandboxId(), process.pid(),
                            process.commandLine().kind().cliName() + " VMM of sandbox " + process.sandboxId());
                }
                starts.add(steps.submit(() -> start(key, found)));
            } else if (known.state() == SandboxState.FAILED && retryDue(key)) {
                starts.add(steps.submit(() -> start(key, known)));
            }
        }
        for (Map.Entry<Key, ManagedSandbox> entry : sandboxes.entrySet()) {
            if (!seen.contains(entry.getKey())) {
                forget(entry.getKey(), entry.getValue());
            }
        }
        if (waitForStarts) {
            for (Future<?> start : starts) {
                try {
                    start.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a sandbox's start failed unexpectedly", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            ready = true;
        }
    }

    private void start(Key key, ManagedSandbox sandbox) {
        sandbox.start();
        if (sandbox.state() == SandboxState.FAILED) {
            long[] retry = retries.getOrDefault(key, new long[] {0, TimeUnit.SECONDS.toNanos(1) / 2});
            long delay = Math.min(retry[1] * 2, MAX_RETRY_NANOS);
            retries.put(key, new long[] {System.nanoTime() + delay, delay});
            return;
        }
        retries.remove(key);
        sandbox.cgroupDirectory().ifPresent(dir -> {
            try {
                watch.watch(sandbox, dir);
            } catch (IOException e) {
                context.log().event("warning", "unwatched", sandbox.process().sandboxId(), sandbox.process().pid(),
                        "cannot watch " + dir + " (" + e.getMessage() + "): its changes are seen by the re-checks only");
            }
        });
    }

    private boolean retryDue(Key key) {
        long[] retry = retries.get(key);
        return retry != null && System.nanoTime() - retry[0] >= 0;
    }

    private void forget(Key key, ManagedSandbox sandbox) {
        sandboxes.remove(key);
        retries.remove(key);
        watch.forget(sandbox);
        steps.submit(sandbox::close);
        if (sandbox.state() != SandboxState.NOT_KATA) {
            context.log().event("info", "forgotten", sandbox.process().sandboxId(), sandbox.process().pid(), "its VMM exited");
        }
    }

    /** Re-checks every sandbox whose vCPUs are placed: a cheap look at its union and tasks, a step only if needed. */
    void recheck() {
        for (ManagedSandbox sandbox : sandboxes.values()) {
            if (sandbox.state() == SandboxState.PINNING) {
                trigger(sandbox, "recheck");
            }
        }
    }

    private void cgroupChanged(ManagedSandbox sandbox) {
        trigger(sandbox, "cgroup");
    }

    private void trigger(ManagedSandbox sandbox, String trigger) {
        if (sandbox.enqueue()) {
            steps.submit(() -> {
                sandbox.dequeue();
                sandbox.react(trigger);
                if (sandbox.state() != SandboxState.PINNING) {
                    watch.forget(sandbox);
                }
            });
        }
    }

    /**
     * Runs until {@link #close()}: the first scan, then scans and re-checks at their intervals.
     *
     * @param scanInterval how often the node is scanned for VMMs
     * @param recheckInterval how often each sandbox is re-checked
     * @throws IOException if the first scan cannot list the proc root
     */
    void start(Duration scanInterval, Duration recheckInterval) throws IOException {
        scan(true);
        timers.add(every(scanInterval, "agent-scan", this::scanQuietly));
        timers.add(every(recheckInterval, "agent-recheck", this::recheck));
    }

    /** A virtual thread that runs a task, then waits the interval, until interrupted: a fixed delay. */
    private static Thread every(Duration interval, String name, Runnable task) {
        return Thread.ofVirtual().name(name).start(() -> {
            try {
                while (true) {
                    Thread.sleep(interval);
                    task.run();
                }
            } catch (InterruptedException e) {
                // stopping
            }
        });
    }

    private void scanQuietly() {
        try {
            scan(false);
        } catch (IOException | RuntimeException e) {
            context.log().event("error", "scan-failed", null, 0, "cannot scan " + context.procRoot() + ": " + e.getMessage());
        }
    }

    /** {@return the sandboxes followed now} */
    Collection<ManagedSandbox> sandboxes() {
        return sandboxes.values();
    }

    /** {@return whether the first scan, with every sandbox's first step, is done} */
    boolean ready() {
        return ready;
    }

    /** Stops at once: nothing is undone, every affinity stays as it is. */
    @Override
    public void close() throws IOException {
        timers.forEach(Thread::interrupt);
        steps.shutdownNow();
        watch.close();
    }
}
