package kata.pinning.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import kata.pinning.qmp.CpuInfoFast;
import kata.pinning.qmp.HotpluggableCpu;
import kata.pinning.qmp.QmpClient;
import kata.pinning.qmp.QmpCommandException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The embedded VMM over its real socket: the raw protocol, and kata-pinning's QMP client against it. */
class EmbeddedVmmTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    EmbeddedVmm vmm;

    @BeforeEach
    void start() throws IOException {
        vmm = EmbeddedVmm.start(dir.resolve("qmp.sock"), 2, 3);
    }

    @AfterEach
    void stop() {
        vmm.close();
    }

    @Test
    void vcpusAreParkedThreadsOfThisProcess() throws Exception {
        try (QmpClient qmp = QmpClient.connect(vmm.qmpSocket(), TIMEOUT)) {
            List<CpuInfoFast> cpus = qmp.queryCpusFast();
            assertEquals(List.of(0, 1), cpus.stream().map(CpuInfoFast::cpuIndex).toList());
            for (CpuInfoFast cpu : cpus) {
                Path task = Path.of("/proc/self/task", Integer.toString(cpu.threadId()));
                assertEquals("vcpu-" + cpu.cpuIndex(), Files.readString(task.resolve("comm")).strip());
                assertTrue(Files.readString(task.resolve("stat")).contains(") S "), "parked, so sleeping");
            }
            assertEquals(ProcessHandle.current().pid(), vmm.pid());
        }
    }

    @Test
    void deviceAddPlugsANewThreadIntoAFreeSlot() throws Exception {
        try (QmpClient qmp = QmpClient.connect(vmm.qmpSocket(), TIMEOUT)) {
            List<HotpluggableCpu> slots = qmp.queryHotpluggableCpus();
            assertEquals(3, slots.size());
            HotpluggableCpu free = slots.stream().filter(s -> !s.isPlugged()).findFirst().orElseThrow();
            assertEquals(EmbeddedVmm.CPU_TYPE, free.type());

            qmp.execute("device_add", free.deviceAddArguments("cpu-2"));

            List<CpuInfoFast> cpus = qmp.queryCpusFast();
            assertEquals(3, cpus.size());
            assertEquals("/machine/peripheral/cpu-2", cpus.get(2).qomPath());
            assertTrue(Files.isDirectory(Path.of("/proc/self/task", Integer.toString(cpus.get(2).threadId()))));
            assertTrue(qmp.queryHotpluggableCpus().stream().allMatch(HotpluggableCpu::isPlugged));

            QmpCommandException taken = assertThrows(QmpCommandException.class,
                    () -> qmp.execute("device_add", free.deviceAddArguments("cpu-again")));
            assertEquals("GenericError", taken.errorClass());
            QmpCommandException model = assertThrows(QmpCommandException.class,
                    () -> qmp.execute("device_add", Map.of("driver", "virtio-net-pci", "id", "net0")));
            assertTrue(model.getMessage().contains("virtio-net-pci"), model.getMessage());
        }
    }

    @Test
    void speaksQmpAsAStreamOfJsonObjects() throws Exception {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(vmm.qmpSocket()));
             BufferedReader in = reader(channel)) {
            assertTrue(JSON.readTree(in.readLine()).path("QMP").path("capabilities").isArray(), "greeting");

            send(channel, "{\"execute\":\"query-cpus-fast\",\"id\":1}");
            JsonNode early = JSON.readTree(in.readLine());
            assertEquals("CommandNotFound", early.path("error").path("class").stringValue(), "before negotiation");
            assertEquals(1, early.path("id").intValue());

            send(channel, "{\"execute\":\"qmp_capabilities\",\"id\":\"a\"}{\"execute\":\"no-such\",\"id\":\"b\"}\n[1]");
            assertEquals("a", JSON.readTree(in.readLine()).path("id").stringValue());
            JsonNode unknown = JSON.readTree(in.readLine());
            assertEquals("CommandNotFound", unknown.path("error").path("class").stringValue());
            assertEquals("b", unknown.path("id").stringValue());
            assertEquals("GenericError", JSON.readTree(in.readLine()).path("error").path("class").stringValue(), "not an object");

            send(channel, "{\"execute\":\"quit\",\"id\":\"q\"}");
            assertEquals("q", JSON.readTree(in.readLine()).path("id").stringValue());
            assertEquals("SHUTDOWN", JSON.readTree(in.readLine()).path("event").stringValue());
            assertEquals(null, in.readLine(), "closed after quit");
        }
        assertTrue(vmm.isClosed());
        assertFalse(Files.exists(vmm.qmpSocket()), "socket removed");
    }

    @Test
    void malformedJsonGetsAnErrorAndTheConnectionCloses() throws Exception {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(vmm.qmpSocket()));
             BufferedReader in = reader(channel)) {
            in.readLine();
            send(channel, "{\"execute\": nope}");
            assertEquals("GenericError", JSON.readTree(in.readLine()).path("error").path("class").stringValue());
            assertEquals(null, in.readLine());
        }
        assertFalse(vmm.isClosed(), "the VMM itself goes on");
        try (QmpClient qmp = QmpClient.connect(vmm.qmpSocket(), TIMEOUT)) {
            assertEquals(2, qmp.queryCpusFast().size());
        }
    }

    private static BufferedReader reader(SocketChannel channel) {
        return new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    }

    private static void send(SocketChannel channel, String text) throws IOException {
        Channels.newOutputStream(channel).write(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void closeEndsTheVcpuThreads() throws Exception {
        List<Thread> threads = vmm.vcpus().stream().map(EmbeddedVmm.Vcpu::thread).toList();
        vmm.close();
        for (Thread thread : threads) {
            assertFalse(thread.isAlive(), thread.getName());
        }
        assertThrows(IllegalArgumentException.class, () -> EmbeddedVmm.start(dir.resolve("other.sock"), 2, 1));
    }
}
