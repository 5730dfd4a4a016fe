package kata.pinning.launcher;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import kata.pinning.launcher.internal.AttemptPlan;
import kata.pinning.launcher.internal.KvmProbe;
import kata.pinning.launcher.internal.QemuCommandLine;
import kata.pinning.launcher.internal.QemuOutput;
import kata.pinning.launcher.internal.QmpHandshake;

/**
 * Starts a paused QEMU x86_64 that works on this host, trying in order:
 * <ol>
 *   <li>KVM with {@code -cpu host} ({@link QemuChoice#KVM_HOST}),</li>
 *   <li>KVM with {@code -cpu qemu64} ({@link QemuChoice#KVM_BASELINE}), for hosts that refuse an
 *       MSR of the host model, as nested virtualization on some AMD hosts does,</li>
 *   <li>TCG with {@code -cpu max} ({@link QemuChoice#TCG_MAX}).</li>
 * </ol>
 * The KVM attempts are made only when the KVM device ({@code /dev/kvm}) opens for reading and
 * writing. {@value Accelerator#ENVIRONMENT_VARIABLE}{@code =kvm} makes only the two KVM attempts,
 * whatever the device says, and {@code =tcg} only the TCG one.
 *
 * <p>Each attempt runs
 * <pre>{@code
 * qemu-system-x86_64 -machine q35,accel=A -cpu MODEL -smp V,maxcpus=M -m 128M -nodefaults
 *     -display none -S -qmp unix:<workDir>/qmp.sock,server=on,wait=off [extraArgs...]
 * }</pre>
 * with its output in {@code <workDir>/qemu.log}, and counts as started once QEMU has answered
 * {@code qmp_capabilities} and {@code query-status} on the socket (the socket file alone proves
 * nothing: QEMU creates it before it sets up the vCPUs). An attempt whose QEMU exits fails at once;
 * one whose QEMU runs but does not answer within 30 seconds is stopped. Either way the launcher
 * keeps the last lines of QEMU's output and moves on. Typical use:
 * <pre>{@code
 * try (RunningQemu qemu = QemuLauncher.builder(dir).vcpus(2, 4).build().start()) {
 *     qemu.fallbackLines().forEach(System.out::println);
 *     ... QmpClient.connect(qemu.qmpSocket(), timeout) ...
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class QemuLauncher {

    /** The QEMU binary, looked up on {@code PATH}. */
    public static final String BINARY = "qemu-system-x86_64";

    /** The name of the QMP socket in the work directory. */
    public static final String SOCKET_NAME = "qmp.sock";

    /** The name of the file in the work directory that receives QEMU's stdout and stderr. */
    public static final String LOG_NAME = "qemu.log";

    /** The memory size given to {@code -m} unless the builder says otherwise. */
    public static final String DEFAULT_MEMORY = "128M";

    /**
     * The system property that names another KVM device than {@code /dev/kvm} for the usability
     * probe; tests set it to play a KVM host where there is none.
     */
    public static final String KVM_DEVICE_PROPERTY = "kata.pinning.kvm.device";

    private static final int MAX_SOCKET_PATH_BYTES = 107; // sockaddr_un.sun_path is 108 bytes with the NUL
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration EXIT_WAIT = Duration.ofSeconds(5);

    private final Path workDir;
    private final int vcpus;
    private final int maxVcpus;
    private final String memory;
    private final List<String> extraArgs;
    private final String searchPath;
    private final List<QemuChoice> choices;

    private QemuLauncher(Builder builder, List<QemuChoice> choices) {
        this.workDir = builder.workDir;
        this.vcpus = builder.vcpus;
        this.maxVcpus = builder.maxVcpus;
        this.memory = builder.memory;
        this.extraArgs = builder.extraArgs;
        this.searchPath = builder.searchPath;
        this.choices = choices;
    }

    /**
     * {@return a builder for a VM with one vCPU and {@value #DEFAULT_MEMORY} of memory}
     *
     * @param workDir an existing directory for {@value #SOCKET_NAME} and {@value #LOG_NAME}
     */
    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    /** {@return the {@value #BINARY} executable on this process's {@code PATH}, if any} */
    public static Optional<Path> findQemu() {
        return findQemu(System.getenv("PATH"));
    }

    /**
     * {@return the first {@value #BINARY} executable in the directories of a search path, if any}
     *
     * @param searchPath directories separated by {@code :}, as in {@code PATH}; null is empty
     */
    public static Optional<Path> findQemu(String searchPath) {
        return Arrays.stream(Objects.requireNonNullElse(searchPath, "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, BINARY))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** {@return whether KVM will be tried: the KVM device opens for reading and writing} */
    public static boolean kvmUsable() {
        return KvmProbe.opensReadWrite(defaultKvmDevice());
    }

    private static Path defaultKvmDevice() {
        return Path.of(System.getProperty(KVM_DEVICE_PROPERTY, "/dev/kvm"));
    }

    /** {@return the choices {@link #start()} tries, in order} */
    public List<QemuChoice> choices() {
        return choices;
    }

    /** {@return the QMP socket QEMU will listen on, {@code <workDir>/qmp.sock}} */
    public Path qmpSocket() {
        return workDir.resolve(SOCKET_NAME);
    }

    /**
     * Starts QEMU with the first choice that works.
     *
     * @return the running QEMU, answering on its QMP socket; close it to stop QEMU
     * @throws QemuStartException if every choice failed, quoting QEMU for each, as soon as the last failed
     * @throws IOException if {@value #BINARY} is not on the search path or cannot be run
     */
    public RunningQemu start() throws IOException {
        Path binary = findQemu(searchPath).orElseThrow(() -> new IOException(BINARY + " is not on PATH"));
        Path socket = qmpSocket();
        List<QemuAttemptFailure> failures = new ArrayList<>();
        for (QemuChoice choice : choices) {
            Files.deleteIfExists(socket); // a QEMU that aborted leaves its socket behind
            Process process = new ProcessBuilder(QemuCommandLine.of(binary, choice, vcpus, maxVcpus, memory, socket, extraArgs))
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve(LOG_NAME).toFile())
                    .start();
            RunningQemu qemu = new RunningQemu(process, workDir, socket, choice, failures);
            Optional<String> notUp;
            try {
                process.getOutputStream().close(); // QEMU gets no stdin
                notUp = QmpHandshake.await(socket, process, ANSWER_TIMEOUT);
                if (notUp.isPresent()) {
                    failures.add(failure(choice, process, notUp.get()));
                }
            } catch (InterruptedException e) {
                qemu.close();
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while starting QEMU with " + choice);
            } catch (IOException | RuntimeException e) {
                qemu.close();
                throw e;
            }
            if (notUp.isEmpty()) {
                return qemu;
            }
            qemu.close();
        }
        Files.deleteIfExists(socket);
        throw new QemuStartException(failures);
    }

    /** What went wrong: QEMU's own words once it has exited, else why it was given up on. */
    private QemuAttemptFailure failure(QemuChoice choice, Process process, String notUp) throws InterruptedException {
        OptionalInt exitStatus = process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                ? OptionalInt.of(process.exitValue())
                : OptionalInt.empty();
        if (exitStatus.isEmpty()) {
            process.destroyForcibly().waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        List<String> tail = QemuOutput.tail(workDir.resolve(LOG_NAME));
        String message = exitStatus.isPresent() ? QemuOutput.message(tail, "printed nothing (" + notUp + ")") : notUp;
        return new QemuAttemptFailure(choice, message, tail, exitStatus);
    }

    /**
     * The VM to start, checked by {@link #build()} before anything runs.
     *
     * @since 0.1
     */
    public static final class Builder {

        private final Path workDir;
        private int vcpus = 1;
        private int maxVcpus = 1;
        private String memory = DEFAULT_MEMORY;
        private List<String> extraArgs = List.of();
        private String searchPath = System.getenv("PATH");
        private Path kvmDevice = defaultKvmDevice();
        private String forcedAccelerator = System.getenv(Accelerator.ENVIRONMENT_VARIABLE);

        private Builder(Path workDir) {
            this.workDir = Objects.requireNonNull(workDir, "workDir").toAbsolutePath();
        }

        /**
         * Sets the vCPUs.
         *
         * @param vcpus    the vCPUs present at start, at least 1
         * @param maxVcpus the vCPU slots, so {@code maxVcpus - vcpus} can be hot-plugged; at least {@code vcpus}
         * @return this builder
         */
        public Builder vcpus(int vcpus, int maxVcpus) {
            this.vcpus = vcpus;
            this.maxVcpus = maxVcpus;
            return this;
        }

        /**
         * Sets the guest memory, for example enough for the nodes of a {@code -numa} topology.
         *
         * @param size the {@code -m} value, such as {@code 512M}
         * @return this builder
         */
        public Builder memory(String size) {
            this.memory = Objects.requireNonNull(size, "size");
            return this;
        }

        /**
         * Sets more QEMU arguments, appended after the launcher's own, such as {@code -numa ...} or
         * {@code -name vm,debug-threads=on}.
         *
         * @param args the arguments, as they are
         * @return this builder
         */
        public Builder extraArgs(List<String> args) {
            this.extraArgs = List.copyOf(args); // also rejects null elements
            return this;
        }

        /**
         * Sets where {@value #BINARY} is looked up; {@code PATH} unless set.
         *
         * @param searchPath directories separated by {@code :}
         * @return this builder
         */
        public Builder searchPath(String searchPath) {
            this.searchPath = Objects.requireNonNull(searchPath, "searchPath");
            return this;
        }

        /**
         * Sets the device whose read-write open says KVM is usable; {@code /dev/kvm} unless set (or
         * the system property {@value #KVM_DEVICE_PROPERTY}).
         *
         * @param device the device, or any file that plays it in a test
         * @return this builder
         */
        public Builder kvmDevice(Path device) {
            this.kvmDevice = Objects.requireNonNull(device, "device");
            return this;
        }

        /**
         * Sets the value of {@value Accelerator#ENVIRONMENT_VARIABLE} to obey; this process's
         * environment unless set.
         *
         * @param value {@code kvm}, {@code tcg}, or null or blank to let the launcher choose
         * @return this builder
         */
        public Builder forcedAccelerator(String value) {
            this.forcedAccelerator = value;
            return this;
        }

        /**
         * {@return the launcher, its choices fixed}
         *
         * @throws IllegalArgumentException if the vCPU counts are out of range, the memory size is
         *     blank, the work directory does not exist, already has a QMP socket, or is too deep for
         *     one (its absolute path must fit in 107 bytes), or {@value Accelerator#ENVIRONMENT_VARIABLE}
         *     is neither {@code kvm} nor {@code tcg}
         */
        public QemuLauncher build() {
            if (vcpus < 1 || maxVcpus < vcpus) {
                throw new IllegalArgumentException("need 1 <= vcpus <= maxVcpus, got vcpus=" + vcpus + ", maxVcpus=" + maxVcpus);
            }
            if (memory.isBlank()) {
                throw new IllegalArgumentException("memory size is blank");
            }
            if (!Files.isDirectory(workDir)) {
                throw new IllegalArgumentException("work directory does not exist: " + workDir);
            }
            Path socket = workDir.resolve(SOCKET_NAME);
            if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
                throw new IllegalArgumentException("QMP socket path is longer than " + MAX_SOCKET_PATH_BYTES + " bytes: " + socket);
            }
            if (Files.exists(socket)) {
                throw new IllegalArgumentException("work directory already has a QMP socket, use a fresh one: " + socket);
            }
            Optional<Accelerator> forced = Accelerator.forcedBy(forcedAccelerator);
            boolean kvm = forced.isEmpty() && KvmProbe.opensReadWrite(kvmDevice);
            return new QemuLauncher(this, AttemptPlan.choices(forced, kvm));
        }
    }
}
