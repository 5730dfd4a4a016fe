package kata.pinning.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.testing.QemuVm;

/**
 * A paused QEMU with 2 vCPUs (3 slots) and {@code debug-threads=on}, a Kata configuration that
 * enables pinning, and a state file path: what the lifecycle commands need. One per test class;
 * the VM is stopped by {@link #close()}.
 */
final class LiveVm implements AutoCloseable {

    /** How a command finds QEMU's vCPU threads. */
    enum Source {
        /** {@code --qmp}: {@code query-cpus-fast}. */
        QMP,
        /** No {@code --qmp}: the threads named {@code CPU <N>/<accel>}. */
        THREAD_NAMES
    }

    /** The vCPUs at start; the tests need as many host CPUs. */
    static final int VCPUS = 2;

    final QemuVm qemu;
    final Path config;
    final Path state;

    private LiveVm(QemuVm qemu, Path config, Path state) {
        this.qemu = qemu;
        this.config = config;
        this.state = state;
    }

    /**
     * Starts QEMU in {@code dir}; skips the test (fails it under CI) without QEMU, and skips it when
     * QEMU may use fewer than {@value #VCPUS} CPUs.
     */
    static LiveVm start(Path dir) throws IOException {
        QemuVm qemu = QemuVm.start(dir, VCPUS, VCPUS + 1, "-name", "t,debug-threads=on");
        LiveVm vm = new LiveVm(qemu,
                Files.writeString(dir.resolve("configuration.toml"),
                        "[runtime]\nenable_vcpus_pinning = true\n[hypervisor.qemu]\ndefault_vcpus = " + VCPUS + "\n"),
                dir.resolve("state.json"));
        if (vm.qemuAffinity().size() < VCPUS) {
            vm.close();
            assumeTrue(false, "QEMU may run on fewer than " + VCPUS + " CPUs");
        }
        return vm;
    }

    /** {@return the global options naming this VM over QMP, its configuration and state, then {@code command}} */
    String[] args(String... command) {
        return args(Source.QMP, command);
    }

    /** {@return the global options naming this VM, found as {@code source} says, its configuration and state, then {@code command}} */
    String[] args(Source source, String... command) {
        List<String> args = new ArrayList<>(source == Source.QMP ? List.of("--qmp", qemu.qmpSocket().toString()) : List.of());
        args.addAll(List.of("--pid", Long.toString(qemu.pid()), "--config", config.toString(), "--state", state.toString()));
        args.addAll(List.of(command));
        return args.toArray(String[]::new);
    }

    /** {@return the affinity of QEMU's main thread, which its vCPU threads start with} */
    CpuSet qemuAffinity() throws IOException {
        return allowedCpus(qemu.pid());
    }

    /** {@return the two lowest CPUs QEMU may use, which the tests give to containers} */
    CpuSet twoCpus() throws IOException {
        CpuSet all = qemuAffinity();
        return CpuSet.of(all.nth(0), all.nth(1));
    }

    /** {@return the CPUs the kernel allows a task of QEMU, from {@code /proc/<pid>/task/<tid>/status}} */
    CpuSet allowedCpus(long tid) throws IOException {
        return allowedCpus(qemu.pid(), tid);
    }

    /** {@return the CPUs the kernel allows a task of any process, from {@code /proc/<pid>/task/<tid>/status}} */
    static CpuSet allowedCpus(long pid, long tid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "status"))
                .stream()
                .filter(line -> line.startsWith("Cpus_allowed_list:"))
                .map(line -> CpuSet.parse(line.substring(line.indexOf(':') + 1).strip()))
                .findFirst()
                .orElseThrow();
    }

    /** {@return the CPUs the kernel allows each of these tasks of QEMU, in order} */
    List<CpuSet> allowedCpus(List<Integer> tids) throws IOException {
        List<CpuSet> affinities = new ArrayList<>();
        for (int tid : tids) {
            affinities.add(allowedCpus(tid));
        }
        return affinities;
    }

    @Override
    public void close() {
        qemu.close();
    }
}
