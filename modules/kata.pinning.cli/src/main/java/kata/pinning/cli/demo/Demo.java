package kata.pinning.cli.demo;

import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.IntStream;
import kata.pinning.ContainerEvent;
import kata.pinning.CpuResources;
import kata.pinning.SandboxResources;
import kata.pinning.SandboxStatus;
import kata.pinning.cgroup.SandboxCgroup;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.qmp.HotpluggableCpu;
import kata.pinning.qmp.QmpClient;
import kata.pinning.qmp.QmpCommandException;
import kata.pinning.qmp.QmpException;

/**
 * The demo's lifecycle on a running VMM: VM start, a first container, a second, an update that
 * shrinks the union and one that restores it, a vCPU hot-plug followed by a CPU-quota update,
 * then the deletion of both containers. Each step is a real {@link SandboxResources} operation over
 * a real QMP connection, and every pin and reset a real system call.
 *
 * <p>The cpusets are sized to the CPUs given: with {@code n} CPUs the VM has {@code n} vCPUs, the
 * container {@value #FIRST} gets the lower half of the CPUs and {@value #SECOND} the rest, so their
 * union matches the vCPU count only once both are in.
 */
public final class Demo {

    /** The first container's id. */
    public static final String FIRST = "web";
    /** The second container's id. */
    public static final String SECOND = "db";
    /** The most CPUs, and so vCPUs, the demo uses. */
    public static final int MAX_CPUS = 4;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final String HOTPLUG_ID = "demo-vcpu";

    /** Receives each step's outcome. */
    @FunctionalInterface
    public interface StepListener {
        /**
         * Called after a step.
         *
         * @param title what the step did
         * @param status the sandbox right after it, with the kernel's view of each vCPU thread
         */
        void step(String title, SandboxStatus status);
    }

    private final QmpClient qmp;
    private final SandboxResources sandbox;
    private final StepListener listener;

    private Demo(QmpClient qmp, SandboxResources sandbox, StepListener listener) {
        this.qmp = qmp;
        this.sandbox = sandbox;
        this.listener = listener;
    }

    /**
     * {@return the CPUs the demo uses: the lowest {@value #MAX_CPUS} at most of the given ones}
     *
     * @param available the CPUs this process may run on
     * @throws IllegalArgumentException if {@code available} is empty
     */
    public static CpuSet demoCpus(CpuSet available) {
        if (available.isEmpty()) {
            throw new IllegalArgumentException("no CPU to run the demo on");
        }
        return CpuSet.of(IntStream.range(0, Math.min(MAX_CPUS, available.size())).map(available::nth).toArray());
    }

    /**
     * Runs the lifecycle on a VMM that has as many vCPUs as {@code cpus} has CPUs, and a free slot to
     * hot-plug one more.
     *
     * @param vmm the VMM, left running
     * @param cpus the CPUs to give the containers, from {@link #demoCpus}
     * @param listener receives each step
     * @throws QmpException if the VMM cannot be reached
     * @throws kata.pinning.PinningException if a step fails
     */
    public static void run(DemoVmm vmm, CpuSet cpus, StepListener listener) throws QmpException {
        try (QmpClient qmp = QmpClient.connect(vmm.qmpSocket(), CONNECT_TIMEOUT)) {
            SandboxResources sandbox = SandboxResources.builder()
                    .pinningEnabled(true)
                    .defaultVcpus(cpus.size())
                    .cgroup(SandboxCgroup.none())
                    .qemu(qmp, vmm.pid())
                    .build();
            new Demo(qmp, sandbox, listener).lifecycle(cpus);
        }
    }

    private void lifecycle(CpuSet cpus) throws QmpException {
        int half = (cpus.size() + 1) / 2;
        CpuSet first = CpuSet.of(IntStream.range(0, half).map(cpus::nth).toArray());
        CpuSet second = cpus.size() == 1 ? first : cpus.difference(first);
        CpuResources firstCpus = new CpuResources(first, CpuSet.empty());
        CpuResources secondCpus = new CpuResources(second, CpuSet.empty());

        sandbox.vmStarted();
        report("VM started with " + cpus.size() + " vCPU" + (cpus.size() == 1 ? "" : "s") + ", no container yet");
        sandbox.update(new ContainerEvent.Added(FIRST, firstCpus));
        report("container " + FIRST + " added with cpus " + first);
        sandbox.update(new ContainerEvent.Added(SECOND, secondCpus));
        report("container " + SECOND + " added with cpus " + second);
        if (!first.equals(second)) {
            sandbox.update(new ContainerEvent.Updated(SECOND, firstCpus));
            report("container " + SECOND + " updated to cpus " + first + ": the union shrinks to " + first);
            sandbox.update(new ContainerEvent.Updated(SECOND, secondCpus));
            report("container " + SECOND + " updated back to cpus " + second);
        }
        String hotplug = hotplug();
        sandbox.update(new ContainerEvent.Updated(SECOND, secondCpus));
        report(hotplug + ", then a CPU-quota update of " + SECOND + " (cpusets unchanged)");
        sandbox.update(new ContainerEvent.Deleted(FIRST));
        report("container " + FIRST + " deleted");
        sandbox.update(new ContainerEvent.Deleted(SECOND));
        report("container " + SECOND + " deleted: no cpuset left");
    }

    /** Plugs a vCPU into the first free slot, as a CPU-quota increase makes the runtime do. */
    private String hotplug() throws QmpException {
        Optional<HotpluggableCpu> free = qmp.queryHotpluggableCpus().stream()
                .filter(slot -> !slot.isPlugged())
                .min(Comparator.comparingInt(slot -> slot.props().socketId().orElse(0)));
        if (free.isEmpty()) {
            return "no free vCPU slot to hot-plug";
        }
        try {
            qmp.execute("device_add", free.get().deviceAddArguments(HOTPLUG_ID));
            return "one vCPU hot-plugged";
        } catch (QmpCommandException e) {
            return "vCPU hot-plug refused by the VMM (" + e.getMessage() + ")";
        }
    }

    private void report(String title) {
        listener.step(title, sandbox.status());
    }
}
