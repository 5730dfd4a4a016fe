package kata.pinning.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import kata.pinning.TaskListing;
import kata.pinning.VcpuThread;
import kata.pinning.qmp.HotpluggableCpu;
import kata.pinning.qmp.QmpClient;
import kata.pinning.testing.QemuVm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The QEMU VMM's re-check cache and reconnect on a real QEMU (2 of 4 vCPUs plugged). The commands
 * the QMP clients send are counted from their DEBUG log, which logs each one as it goes out.
 */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuVmmQemuTest {

    private static final Duration CONNECT = Duration.ofSeconds(10);
    private static final Path PROC = Path.of("/proc");

    @TempDir
    static Path workDir;
    static QemuVm vm;
    static QmpClient qmp;
    static QemuVmm vmm;

    /** Held here: JUL keeps loggers only weakly. */
    private static final Logger QMP_LOG = Logger.getLogger("kata.pinning.qmp");
    private static final AtomicInteger SENT = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        vm = QemuVm.start(workDir, 2, 4);
        qmp = QmpClient.connect(vm.qmpSocket(), CONNECT);
        vmm = new QemuVmm(qmp, (int) vm.pid(), PROC);
        QMP_LOG.setLevel(Level.FINE);
        QMP_LOG.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage() != null && record.getMessage().startsWith("--> ")) {
                    SENT.incrementAndGet();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    @AfterAll
    static void stop() {
        QMP_LOG.setLevel(null);
        if (qmp != null) {
            qmp.close();
        }
        if (vm != null) {
            vm.close();
        }
    }

    /** Runs a check and returns how many QMP commands went out during it. */
    private static int commandsDuring(List<List<VcpuThread>> result) throws IOException {
        int before = SENT.get();
        result.add(vmm.vcpus());
        return SENT.get() - before;
    }

    /** Plugs a vCPU into the first free slot through a client of its own. */
    private static void hotPlug(QmpClient client, String id) throws IOException {
        HotpluggableCpu free = client.queryHotpluggableCpus().stream().filter(s -> !s.isPlugged()).findFirst().orElseThrow();
        client.execute("device_add", free.deviceAddArguments(id));
    }

    @Test
    @Order(1)
    void aRecheckWithNothingChangedAsksNothingAndAHotPlugIsSeenByTheNextCheck() throws IOException {
        List<List<VcpuThread>> checks = new java.util.ArrayList<>();
        assertEquals(1, commandsDuring(checks), "the first check asks QEMU");
        assertEquals(0, commandsDuring(checks), "nothing changed: no QMP command");
        assertEquals(0, commandsDuring(checks));
        assertSame(checks.get(0), checks.get(2));
        assertEquals(2, checks.get(0).size());

        hotPlug(qmp, "vcpu2");

        assertEquals(1, commandsDuring(checks), "a new thread brings the query back");
        List<VcpuThread> after = checks.getLast();
        assertEquals(3, after.size(), after::toString);
        assertEquals(3, after.stream().map(VcpuThread::threadId).distinct().count(), "one thread per vCPU");
        assertTrue(after.containsAll(checks.get(0)), "the first two vCPUs kept their threads");
        assertEquals(0, commandsDuring(checks), "and the new answer is reused in turn");
    }

    /** Runs a check with a given listing and returns how many QMP commands went out during it. */
    private static int commandsDuring(TaskListing listing) throws IOException {
        int before = SENT.get();
        vmm.vcpus(listing);
        return SENT.get() - before;
    }

    @Test
    @Order(2)
    void theAnswerIsKeyedOnTheListingItIsHandedNotOnAProcRootOfItsOwn() throws IOException {
        int pid = (int) vm.pid();
        assertEquals(0, commandsDuring(TaskListing.read(PROC, pid)), "the same threads as the last check's listing");
        assertEquals(1, commandsDuring(TaskListing.of(pid, new int[] {pid}, 1)), "a listing with other threads");
        assertEquals(1, commandsDuring(TaskListing.empty(pid)), "an empty listing proves nothing");
        assertEquals(1, commandsDuring(TaskListing.empty(pid)), "and is never reused");
    }

    @Test
    @Order(3)
    void aClosedClientIsReplacedByOneNewConnection() throws IOException {
        qmp.close(); // as when QEMU or the session dropped the connection
        // QEMU serves one client at a time: plug a vCPU through another one, then let go.
        try (QmpClient other = QmpClient.connect(vm.qmpSocket(), CONNECT)) {
            hotPlug(other, "vcpu3");
        }
        assertFalse(qmp.isOpen());

        List<VcpuThread> vcpus = vmm.vcpus();

        assertEquals(List.of(0, 1, 2, 3), vcpus.stream().map(VcpuThread::index).sorted().toList());
    }
}
