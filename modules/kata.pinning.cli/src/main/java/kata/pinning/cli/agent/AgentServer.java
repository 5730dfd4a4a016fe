package kata.pinning.cli.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The agent's HTTP endpoints on {@code --listen}: {@code /metrics} for Prometheus, {@code /healthz}
 * (the agent is alive) and {@code /readyz} (its first scan of the node is done). Requests run on
 * virtual threads.
 */
final class AgentServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * Starts serving.
     *
     * @param address where to listen
     * @param metrics the metrics to serve
     * @param ready whether the first scan is done
     * @throws IOException if the address cannot be bound
     */
    AgentServer(InetSocketAddress address, AgentMetrics metrics, BooleanSupplier ready) throws IOException {
        server = HttpServer.create(address, 16);
        server.setExecutor(requests);
        server.createContext("/metrics", new MetricsHandler(metrics.registry()));
        server.createContext("/healthz", exchange -> answer(exchange, 200, "ok\n"));
        server.createContext("/readyz", exchange -> {
            boolean isReady = ready.getAsBoolean();
            answer(exchange, isReady ? 200 : 503, isReady ? "ready\n" : "the first scan of the node is not done\n");
        });
        server.start();
    }

    /** {@return the address it listens on, with the port the system chose for port 0} */
    InetSocketAddress address() {
        return server.getAddress();
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        requests.shutdownNow();
    }
}
