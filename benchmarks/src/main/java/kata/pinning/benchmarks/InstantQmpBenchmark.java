package kata.pinning.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kata.pinning.qmp.CpuInfoFast;
import kata.pinning.qmp.QmpClient;
import kata.pinning.qmp.QmpException;
import kata.pinning.testing.InstantQmpServer;
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
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * One {@code query-cpus-fast} round trip against {@link InstantQmpServer}, which answers at once
 * with the bytes QEMU 7.2 sent for N vCPUs (captured from a real QEMU, in {@code qmp/} among the
 * resources): the client's own cost, which QEMU's monitor hides (under TCG it reads a command one
 * byte per main-loop iteration). This library's {@link QmpClient} (typed result) against
 * {@link RawQmp}, which only reads the reply's bytes. Target: at most 1.15x the raw socket at every N.
 *
 * <p>A third client shows what any client that reads the reply as JSON with Jackson pays at least:
 * the raw round trip, then Jackson's tokenizer over the reply's bytes, every token read and none
 * turned into a value.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Suite.NATIVE_ACCESS, Suite.HEAP_MIN, Suite.HEAP_MAX, Suite.PRE_TOUCH})
public class InstantQmpBenchmark {

    @Param({"2", "16", "64", "128"})
    public int vcpus;

    private final ByteBuffer query = RawQmp.command("query-cpus-fast");
    private final JsonFactory json = new JsonFactory();
    private final byte[] reply = new byte[1 << 20];
    private Path dir;
    private InstantQmpServer server;
    private QmpClient client;
    private RawQmp raw;

    /** {@return QEMU 7.2's reply line to {@code query-cpus-fast} with id 0 for a VM with N vCPUs} */
    static String capturedReply(int vcpus) {
        String name = "/qmp/query-cpus-fast-" + vcpus + ".json";
        try (InputStream in = InstantQmpBenchmark.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no captured reply " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Setup
    public void start() throws IOException {
        dir = Files.createTempDirectory("kata-pinning-instant");
        Path library = dir.resolve("library.sock");
        Path rawSocket = dir.resolve("raw.sock");
        server = InstantQmpServer.start(List.of(library, rawSocket), Map.of("query-cpus-fast", capturedReply(vcpus)));
        client = QmpClient.connect(library, Duration.ofSeconds(10));
        raw = RawQmp.connect(rawSocket);
        raw.requireSameVcpus(client, query, vcpus);
    }

    @TearDown
    public void stop() throws IOException {
        try {
            raw.close();
            client.close();
        } finally {
            server.close();
            Files.deleteIfExists(dir);
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

    @Benchmark
    public int rawSocketJsonTokens() throws IOException {
        int length = raw.roundTrip(query);
        raw.copyReply(reply, length);
        int tokens = 0;
        try (JsonParser parser = json.createParser(ObjectReadContext.empty(), reply, 0, length)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                tokens++;
            }
        }
        return tokens;
    }
}
