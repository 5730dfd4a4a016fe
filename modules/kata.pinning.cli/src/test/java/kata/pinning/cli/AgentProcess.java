package kata.pinning.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bin/kata-pinning agent} as a real process with JSON log lines and {@code --listen
 * 127.0.0.1:0}: its log, collected as it comes, and its endpoints, asked over HTTP by the JDK's client.
 * {@link #close()} sends SIGTERM to its own pid, as a kubelet or systemd would.
 */
final class AgentProcess implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern SERVING = Pattern.compile("serving (http://\\S+)");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)$");

    private final Process process;
    private final List<JsonNode> log = new ArrayList<>(); // guarded by itself
    private final List<String> lines = new ArrayList<>(); // guarded by log
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile URI base;

    private AgentProcess(Process process) {
        this.process = process;
        Thread.ofVirtual().start(this::collect);
    }

    /**
     * Starts the agent and waits until it serves.
     *
     * @param global the global options, before {@code agent}
     * @param agent the agent's own options; {@code --listen} and {@code --log-format} are added
     */
    static AgentProcess start(List<String> global, List<String> agent) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Launcher.KATA_PINNING.toString()));
        command.addAll(global);
        command.add("agent");
        command.addAll(agent);
        command.addAll(List.of("--listen", "127.0.0.1:0", "--log-format", "json"));
        Process process = new ProcessBuilder(command).directory(Launcher.ROOT.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        AgentProcess started = new AgentProcess(process);
        JsonNode line = started.awaitLog(l -> "started".equals(AgentProcess.field(l, "event")), Duration.ofSeconds(60));
        Matcher serving = SERVING.matcher(AgentProcess.field(line, "message"));
        if (!serving.find()) {
            throw new AssertionError("the agent's start line names no address: " + line);
        }
        started.base = URI.create(serving.group(1));
        return started;
    }

    private void collect() {
        try (BufferedReader err = process.errorReader(StandardCharsets.UTF_8)) {
            for (String line = err.readLine(); line != null; line = err.readLine()) {
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (RuntimeException notJson) {
                    node = JSON.createObjectNode().put("event", "not-json").put("message", line);
                }
                synchronized (log) {
                    log.add(node);
                    lines.add(line);
                    log.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** {@return the first log line that matches, waiting for it} */
    JsonNode awaitLog(Predicate<JsonNode> matches, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (log) {
            while (true) {
                for (JsonNode line : log) {
                    if (matches.test(line)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && log.stream().noneMatch(matches)) {
                    throw new AssertionError("no such log line in " + timeout + (process.isAlive() ? "" : " (the agent exited)")
                            + "; the log:\n" + String.join("\n", lines));
                }
                TimeUnit.NANOSECONDS.timedWait(log, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
        }
    }

    /** {@return every log line so far that matches} */
    List<JsonNode> logLines(Predicate<JsonNode> matches) {
        synchronized (log) {
            return log.stream().filter(matches).toList();
        }
    }

    /** {@return the log so far, for a failure message} */
    String logText() {
        synchronized (log) {
            return String.join("\n", lines);
        }
    }

    /** {@return the status code and body of a GET of one of the agent's endpoints} */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@return each sample of {@code /metrics}, by its name with labels, such as {@code kata_pinning_sandboxes{state="pinning"}}} */
    Map<String, Double> metrics() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/metrics");
        if (response.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + response.statusCode() + ": " + response.body());
        }
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (!line.startsWith("#") && sample.matches()) {
                samples.put(sample.group(1), Double.parseDouble(sample.group(2)));
            }
        }
        return samples;
    }

    /** {@return one sample of {@code /metrics}, 0 when absent} */
    double metric(String nameWithLabels) throws IOException, InterruptedException {
        return metrics().getOrDefault(nameWithLabels, 0.0);
    }

    /** {@return a string field of a log line; empty when it has none} */
    static String field(JsonNode line, String name) {
        JsonNode value = line.path(name);
        return value.isString() ? value.stringValue() : "";
    }

    /** {@return the agent's pid} */
    long pid() {
        return process.pid();
    }

    /** Sends SIGTERM and waits for the exit. {@return the exit code} */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the agent did not end within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
