package kata.pinning.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kata.pinning.testing.QemuVm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The client against a real QEMU (KVM when available, else TCG), started paused with 2 of 4 vCPUs.
 * Read-only tests share one VM; tests that change the VM start their own.
 */
@Timeout(60)
class QmpClientQemuTest {

    private static final Duration CONNECT = Duration.ofSeconds(10);

    @TempDir
    static Path sharedDir;
    static QemuVm vm;
    static QmpClient qmp;

    @TempDir
    Path ownDir;

    @BeforeAll
    static void boot() throws IOException {
        vm = QemuVm.start(sharedDir, 2, 4);
        qmp = QmpClient.connect(vm.qmpSocket(), CONNECT);
    }

    @AfterAll
    static void shutDown() {
        if (qmp != null) {
            qmp.close();
        }
        if (vm != null) {
            vm.close();
        }
    }

    @Test
    void greetingReportsTheVersionOfTheQemuBinary() throws Exception {
        Process version = new ProcessBuilder(QemuVm.findQemu().orElseThrow().toString(), "--version").start();
        String banner = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        version.waitFor();
        Matcher m = Pattern.compile("QEMU emulator version (\\d+)\\.(\\d+)\\.(\\d+)").matcher(banner);
        assertTrue(m.find(), banner);

        QmpGreeting greeting = qmp.greeting();
        assertEquals(m.group(1) + "." + m.group(2) + "." + m.group(3), greeting.version());
        assertEquals(Integer.parseInt(m.group(1)), greeting.major());
        assertTrue(greeting.capabilities().contains("oob"), greeting::toString);
    }

    @Test
    void queryCpusFastListsTwoVcpusRunningOnThreadsOfTheQemuProcess() throws QmpException {
        List<CpuInfoFast> cpus = qmp.queryCpusFast();

        assertEquals(List.of(0, 1), cpus.stream().map(CpuInfoFast::cpuIndex).toList());
        assertEquals(2, cpus.stream().map(CpuInfoFast::threadId).distinct().count(), "one thread per vCPU: " + cpus);
        for (CpuInfoFast cpu : cpus) {
            assertTrue(Files.isDirectory(Path.of("/proc", Long.toString(vm.pid()), "task", Integer.toString(cpu.threadId()))),
                    "thread " + cpu.threadId() + " is not a task of QEMU pid " + vm.pid());
            assertNotEquals(vm.pid(), (long) cpu.threadId(), "a vCPU thread, not QEMU's main thread");
            assertEquals("x86_64", cpu.target());
            assertTrue(cpu.qomPath().startsWith("/machine/"), cpu.qomPath());
            assertEquals(OptionalInt.of(0), cpu.props().socketId());
        }
        assertEquals(List.of(OptionalInt.of(0), OptionalInt.of(1)), cpus.stream().map(c -> c.props().coreId()).toList());
    }

    @Test
    void queryStatusSaysPrelaunchForAVmStartedPaused() throws QmpException {
        assertEquals(new QmpStatus("prelaunch", false), qmp.queryStatus());
    }

    @Test
    void queryHotpluggableCpusListsPluggedAndFreeSlots() throws QmpException {
        List<HotpluggableCpu> slots = qmp.queryHotpluggableCpus();

        assertEquals(4, slots.size(), slots::toString);
        assertEquals(2, slots.stream().filter(HotpluggableCpu::isPlugged).count());
        Set<String> plugged = new HashSet<>();
        slots.stream().filter(HotpluggableCpu::isPlugged).forEach(s -> plugged.add(s.qomPath().orElseThrow()));
        assertEquals(Set.copyOf(qmp.queryCpusFast().stream().map(CpuInfoFast::qomPath).toList()), plugged);
        String expectedType = vm.choice().cpuModel() + "-x86_64-cpu"; // host, qemu64 or max, as the launcher chose
        slots.forEach(s -> assertEquals(expectedType, s.type()));
    }

    @Test
    void unknownCommandFailsWithCommandNotFoundAndTheConnectionStaysUsable() throws QmpException {
        QmpCommandException e = assertThrows(QmpCommandException.class, () -> qmp.execute("no-such-command", Map.of()));

        assertEquals("CommandNotFound", e.errorClass());
        assertEquals("no-such-command", e.command());
        assertTrue(e.description().contains("no-such-command"), e.description());
        assertTrue(qmp.isOpen());
        assertEquals("prelaunch", qmp.queryStatus().status());
    }

    @Test
    void badArgumentsFailWithQemusErrorClass() {
        QmpCommandException e = assertThrows(QmpCommandException.class,
                () -> qmp.execute("qom-get", Map.of("path", "/machine/no-such-object", "property", "type")));
        assertEquals("DeviceNotFound", e.errorClass());
    }

    @Test
    void concurrentPlatformAndVirtualThreadsEachGetTheReplyToTheirOwnCommand() throws Exception {
        List<Future<?>> calls = new ArrayList<>();
        try (ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor();
             ExecutorService platform = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 200; i++) {
                ExecutorService pool = i % 10 == 0 ? platform : virtual;
                Callable<?> call = switch (i % 4) {
                    case 0 -> () -> qmp.queryCpusFast().size() == 2;
                    case 1 -> () -> qmp.queryHotpluggableCpus().size() == 4;
                    case 2 -> () -> qmp.queryStatus().status().equals("prelaunch");
                    default -> () -> assertThrows(QmpCommandException.class,
                            () -> qmp.execute("no-such-command", Map.of())).errorClass().equals("CommandNotFound");
                };
                calls.add(pool.submit(call));
            }
            for (Future<?> call : calls) {
                assertEquals(true, call.get());
            }
        }
        assertTrue(qmp.isOpen());
    }

    @Test
    void hotPluggingAVcpuIntoAFreeSlotMakesThreeVcpus() throws Exception {
        try (QemuVm own = QemuVm.start(ownDir, 2, 4); QmpClient client = QmpClient.connect(own.qmpSocket(), CONNECT)) {
            HotpluggableCpu free = client.queryHotpluggableCpus().stream()
                    .filter(slot -> !slot.isPlugged()).findFirst().orElseThrow();

            JsonNode result = client.execute("device_add", free.deviceAddArguments("vcpu2"));

            assertTrue(result.isObject() && result.isEmpty(), result::toString);
            List<CpuInfoFast> cpus = client.queryCpusFast();
            assertEquals(3, cpus.size(), cpus::toString);
            CpuInfoFast added = cpus.stream().filter(c -> c.props().equals(free.props())).findFirst().orElseThrow();
            assertTrue(Files.isDirectory(Path.of("/proc", Long.toString(own.pid()), "task", Integer.toString(added.threadId()))));
            assertEquals(3, client.queryHotpluggableCpus().stream().filter(HotpluggableCpu::isPlugged).count());
        }
    }

    @Test
    void eventListenersSeeStopAndResume() throws Exception {
        try (QemuVm own = QemuVm.start(ownDir, 1, 1); QmpClient client = QmpClient.connect(own.qmpSocket(), CONNECT)) {
            ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
            client.addEventListener(event -> seen.add(event.name()));

            client.execute("cont", Map.of());
            QmpEvent resume = client.awaitEvent("RESUME", Duration.ofSeconds(10));
            client.execute("stop", Map.of());
            client.awaitEvent("STOP", Duration.ofSeconds(10));

            ClientThreads.awaitTrue(() -> seen.size() == 2, "the listener heard both events");
            assertEquals(List.of("RESUME", "STOP"), List.copyOf(seen));
            assertTrue(resume.timestamp().getEpochSecond() > 0, resume::toString);
            assertEquals(new QmpStatus("paused", false), client.queryStatus());
        }
    }

    @Test
    void quitDeliversShutdownThenQemuExitsAndTheClientClosesCleanly() throws Exception {
        try (QemuVm own = QemuVm.start(ownDir, 1, 1)) {
            QmpClient client = QmpClient.connect(own.qmpSocket(), CONNECT);

            client.execute("quit", Map.of());
            QmpEvent shutdown = client.awaitEvent("SHUTDOWN", Duration.ofSeconds(10));

            assertEquals("host-qmp-quit", shutdown.data().path("reason").asString());
            assertEquals(OptionalInt.of(0), own.awaitExit(Duration.ofSeconds(10)));
            ClientThreads.assertEnded(client); // EOF ended the session by itself
            assertFalse(client.isOpen());
            QmpConnectionClosedException after = assertThrows(QmpConnectionClosedException.class, client::queryStatus);
            assertInstanceOf(EOFException.class, after.getCause());
            assertEquals("query-status", after.command().orElseThrow());
            client.close();
        }
    }
}
