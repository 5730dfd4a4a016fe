package kata.pinning.cli.demo;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import kata.pinning.affinity.LinuxThreads;

/**
 * A VMM inside this process, for the demo on a machine without QEMU: a QMP server on a real UNIX
 * domain socket whose vCPUs are real platform threads of this JVM, parked for their whole life.
 *
 * <p>The server speaks the part of QMP that pinning uses: the greeting, {@code qmp_capabilities},
 * {@code query-cpus-fast}, {@code query-hotpluggable-cpus}, {@code device_add} of a vCPU (which
 * starts a new thread) and {@code quit}. Since the vCPU threads are tasks of this process, a
 * {@link kata.pinning.SandboxResources} built with {@link #pid()} pins and resets them with real
 * {@code sched_setaffinity} calls, and the kernel reports the result as for QEMU's threads.
 *
 * <p>The QMP messages follow QEMU's: x86 topology properties with one vCPU per socket, the QOM
 * type {@value #CPU_TYPE}, and QEMU's error classes.
 */
public final class EmbeddedVmm implements DemoVmm {

    /** The QOM type of this VMM's vCPUs, which {@code device_add} must name as its driver. */
    public static final String CPU_TYPE = "embedded-x86_64-cpu";

    private static final long THREAD_START_SECONDS = 10;

    private final Path socket;
    private final int maxVcpus;
    private final ServerSocketChannel server;
    private final List<Vcpu> vcpus = new ArrayList<>(); // guarded by this, in plug order
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * One plugged vCPU.
     *
     * @param index its cpu-index, which is also its socket id
     * @param deviceId the device id given to {@code device_add}, or null for a vCPU present at start
     * @param thread the parked thread
     * @param threadId the thread's kernel id
     */
    record Vcpu(int index, String deviceId, Thread thread, int threadId) {
        String qomPath() {
            return deviceId == null ? "/machine/unattached/device[" + index + "]" : "/machine/peripheral/" + deviceId;
        }
    }

    private EmbeddedVmm(Path socket, int maxVcpus, ServerSocketChannel server) {
        this.socket = socket;
        this.maxVcpus = maxVcpus;
        this.server = server;
    }

    /**
     * Starts the vCPU threads, then serves QMP on {@code socket}.
     *
     * @param socket where to create the QMP socket; must not exist
     * @param vcpus the vCPUs present at start, at least 1
     * @param maxVcpus the vCPU slots, so that {@code maxVcpus - vcpus} can be hot-plugged
     * @return the running VMM; close it to stop the threads and remove the socket
     * @throws IllegalArgumentException if {@code vcpus < 1} or {@code maxVcpus < vcpus}
     * @throws IOException if the socket cannot be created
     * @throws UnsupportedOperationException if {@link LinuxThreads#isAvailable()} is false, since the
     *     vCPU threads' ids cannot be learnt
     */
    public static EmbeddedVmm start(Path socket, int vcpus, int maxVcpus) throws IOException {
        if (vcpus < 1 || maxVcpus < vcpus) {
            throw new IllegalArgumentException("need 1 <= vcpus <= maxVcpus, got " + vcpus + " and " + maxVcpus);
        }
        LinuxThreads.unavailableReason().ifPresent(reason -> {
            throw new UnsupportedOperationException(reason);
        });
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        EmbeddedVmm vmm = new EmbeddedVmm(socket, maxVcpus, server);
        try {
            for (int i = 0; i < vcpus; i++) {
                vmm.plug(i, null);
            }
            server.bind(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            vmm.close();
            throw e;
        }
        Thread.ofPlatform().daemon().name("embedded-vmm-qmp").start(vmm::acceptLoop);
        return vmm;
    }

    @Override
    public Path qmpSocket() {
        return socket;
    }

    /** {@return this JVM's process id, whose tasks the vCPU threads are} */
    @Override
    public int pid() {
        return Math.toIntExact(ProcessHandle.current().pid());
    }

    @Override
    public String kind() {
        return "embedded";
    }

    @Override
    public String description() {
        return "the embedded VMM (QMP server and parked vCPU threads in this JVM, pid " + pid() + ")";
    }

    @Override
    public List<String> notes() {
        return List.of();
    }

    /** {@return the vCPU slots, plugged or free} */
    int maxVcpus() {
        return maxVcpus;
    }

    /** {@return the plugged vCPUs, in plug order} */
    synchronized List<Vcpu> vcpus() {
        return List.copyOf(vcpus);
    }

    /**
     * Plugs a vCPU into a free slot: starts its thread and waits until the thread knows its id.
     *
     * @param index the slot, from 0 to {@code maxVcpus - 1}
     * @param deviceId the device id, or null for a vCPU present at start
     * @throws IllegalArgumentException if the slot does not exist or is taken, or the device id is in use
     */
    synchronized void plug(int index, String deviceId) {
        if (closed) {
            throw new IllegalStateException("the VMM has quit");
        }
        if (index < 0 || index >= maxVcpus) {
            throw new IllegalArgumentException("Invalid CPU socket-id: " + index + " must be in range 0:" + (maxVcpus - 1));
        }
        for (Vcpu v : vcpus) {
            if (v.index() == index) {
                throw new IllegalArgumentException("CPU[" + index + "] with APIC ID " + index + " exists");
            }
            if (deviceId != null && deviceId.equals(v.deviceId())) {
                throw new IllegalArgumentException("Duplicate device ID '" + deviceId + "' for device");
            }
        }
        CompletableFuture<Integer> tid = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().daemon().name("vcpu-" + index).start(() -> park(tid));
        try {
            vcpus.add(new Vcpu(index, deviceId, thread, tid.get(THREAD_START_SECONDS, TimeUnit.SECONDS)));
        } catch (ExecutionException | TimeoutException e) {
            thread.interrupt();
            throw new IllegalStateException("vCPU thread " + index + " did not report its thread id", e);
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting vCPU thread " + index, e);
        }
    }

    /** The body of a vCPU thread: report the kernel thread id, then sleep until the VMM quits. */
    private void park(CompletableFuture<Integer> tid) {
        try {
            tid.complete(LinuxThreads.currentThreadId());
        } catch (RuntimeException e) {
            tid.completeExceptionally(e);
            return;
        }
        while (!closed && !Thread.currentThread().isInterrupted()) {
            LockSupport.park(this);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                clients.add(client);
                Thread.ofVirtual().name("embedded-vmm-session").start(() -> {
                    try (client) {
                        new QmpServerSession(this, client).run();
                    } catch (IOException e) {
                        // the client went away; nothing to clean up beyond the channel
                    } finally {
                        clients.remove(client);
                    }
                });
            } catch (ClosedChannelException e) {
                return; // close() closed the server
            } catch (IOException e) {
                if (!closed) {
                    System.getLogger(EmbeddedVmm.class.getName())
                            .log(System.Logger.Level.WARNING, "embedded VMM stops accepting QMP connections", e);
                }
                return;
            }
        }
    }

    /**
     * Stops accepting connections and removes the socket, then closes the open connections and ends
     * every vCPU thread. Idempotent; also what {@code quit} does.
     */
    @Override
    public void close() {
        List<Vcpu> stopping;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopping = List.copyOf(vcpus);
        }
        try {
            server.close();
        } catch (IOException e) {
            // closing a listening socket does not fail in a way that leaves anything behind
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // a socket file left behind is removed with the demo's work directory
        }
        for (SocketChannel client : clients) {
            try {
                client.close();
            } catch (IOException e) {
                // the session thread ends when its channel is closed
            }
        }
        for (Vcpu v : stopping) {
            LockSupport.unpark(v.thread());
        }
        for (Vcpu v : stopping) {
            try {
                v.thread().join(TimeUnit.SECONDS.toMillis(THREAD_START_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    /** {@return whether {@link #close()} or {@code quit} ended this VMM} */
    boolean isClosed() {
        return closed;
    }
}
