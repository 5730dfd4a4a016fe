package kata.pinning.cli.agent;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent's log: one line per decision and per event of a sandbox, as text for people or as one
 * JSON object per line for a log collector ({@code --log-format}). Thread-safe: a line is written
 * whole.
 */
final class AgentLog {

    /** How lines are written. */
    enum Format {
        /** {@code key=value} pairs after a time stamp. */
        TEXT,
        /** One JSON object per line. */
        JSON
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final PrintWriter out;
    private final Format format;
    private final Clock clock;

    AgentLog(PrintWriter out, Format format, Clock clock) {
        this.out = out;
        this.format = format;
        this.clock = clock;
    }

    /**
     * Logs a decision of one sandbox.
     *
     * @param decision what was decided
     */
    void decision(Decision decision) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("sandbox", decision.sandbox());
        fields.put("pid", decision.pid());
        fields.put("union", decision.union());
        fields.put("policy", decision.policy());
        fields.put("decision", decision.decision());
        fields.put("reason", decision.reason());
        fields.put("trigger", decision.trigger());
        fields.put("sets", decision.sets());
        fields.put("durationMs", Math.round(decision.durationNanos() / 10_000.0) / 100.0);
        write("info", fields);
    }

    /**
     * Logs an event: a sandbox found, forgotten or backed off from, or a failure.
     *
     * @param level {@code info}, {@code warning} or {@code error}
     * @param event what happened, such as {@code backed-off}
     * @param sandbox the sandbox id, or null for the agent itself
     * @param pid the VMM's pid, or 0
     * @param message what to tell
     */
    void event(String level, String event, String sandbox, int pid, String message) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("event", event);
        if (sandbox != null) {
            fields.put("sandbox", sandbox);
        }
        if (pid > 0) {
            fields.put("pid", pid);
        }
        fields.put("message", message);
        write(level, fields);
    }

    private void write(String level, Map<String, Object> fields) {
        String time = clock.instant().toString();
        String line;
        if (format == Format.JSON) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("time", time);
            all.put("level", level);
            all.putAll(fields);
            line = JSON.writeValueAsString(all);
        } else {
            StringBuilder text = new StringBuilder(time).append(' ').append(level.toUpperCase(Locale.ROOT));
            fields.forEach((key, value) -> text.append(' ').append(key).append('=').append(quoted(String.valueOf(value))));
            line = text.toString();
        }
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /** A value with a space, a quote or nothing in it goes in quotes, so that a line splits back into its pairs. */
    private static String quoted(String value) {
        return value.isEmpty() || value.chars().anyMatch(c -> c == ' ' || c == '"' || c == '=')
                ? '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"' : value;
    }
}
