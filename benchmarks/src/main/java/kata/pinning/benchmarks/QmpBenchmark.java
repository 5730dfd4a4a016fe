package kata.pinning.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kata.pinning.qmp.CpuInfoFast;
import kata.pinning.qmp.QmpClient;
import kata.pinning.qmp.QmpException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@code query-cpus-fast} round trip on a real, paused QEMU with N vCPUs: this library's
 * {@link QmpClient} (typed result) against {@link RawQmp}, which only reads the reply's bytes. The
 * ratio is reported without a target: QEMU's monitor dominates it (under TCG it reads a command
 * one byte per main-loop iteration), so {@link InstantQmpBenchmark} shows the client's own cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Suite.NATIVE_ACCESS, Suite.HEAP_MIN, Suite.HEAP_MAX, Suite.PRE_TOUCH})
public class QmpBenchmark {

    @Param({"2", "16", "64", "128"})
    public int vcpus;

    private final ByteBuffer query = RawQmp.command("query-cpus-fast");
    private Vm vm;
    private QmpClient client;
    private RawQmp raw;

    @Setup
    public void startVm() throws IOException {
        vm = Vm.start(vcpus);
        client = vm.client();
        raw = RawQmp.connect(vm.rawSocket());
        raw.requireSameVcpus(client, query, vcpus);
    }

    @TearDown
    public void stopVm() throws IOException {
        try {
            raw.close();
        } finally {
            vm.close(); // and QEMU, by its pid
        }
    }

    @Benchmark
    public List<CpuInfoFast> library() throws QmpException {
        return client.queryCpusFast();
    }

    @Benchmark
    public int rawSocket() throws IOException {
        return raw.roundTrip(query);
    }
}
