package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kata.pinning.config.KataConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The deployment files in {@code deploy/} agree with the agent's flags: the DaemonSet's arguments
 * parse as an {@code agent} command line, every path they name is mounted read-only from the host
 * path it stands for, the probes ask the {@code --listen} port, and the systemd unit's command
 * parses too.
 */
class DeployFilesTest {

    @TempDir
    Path dir;

    private static final Path DEPLOY = Launcher.ROOT.resolve("deploy");

    /** Parses a command line as the CLI does, failing on a flag it does not know. {@return the parse} */
    private static CommandLine.ParseResult parse(List<String> args) {
        CommandLine cli = KataPinning.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        return cli.parseArgs(args.toArray(String[]::new));
    }

    private static String value(CommandLine.ParseResult parsed, String option) {
        return parsed.matchedOptionValue(option, (Object) null) == null ? null
                : String.valueOf((Object) parsed.matchedOptionValue(option, (Object) null));
    }

    @Test
    void theDaemonSetMountsWhatItsArgumentsNameAndProbesItsListenPort() throws IOException {
        JsonNode daemonSet = YAMLMapper.builder().build().readTree(Files.readString(DEPLOY.resolve("kubernetes/daemonset.yaml")));
        JsonNode pod = daemonSet.path("spec").path("template").path("spec");
        assertTrue(pod.path("hostPID").booleanValue(), "sched_setaffinity takes the host's thread ids: hostPID");
        JsonNode container = pod.path("containers").get(0);
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.stringValue()));

        CommandLine.ParseResult root = parse(args);
        CommandLine.ParseResult agent = root.subcommand();
        assertEquals("agent", agent.commandSpec().name());

        Map<String, String> hostPaths = new HashMap<>();
        pod.path("volumes").forEach(v -> hostPaths.put(v.path("name").stringValue(),
                v.path("hostPath").isObject() ? v.path("hostPath").path("path").stringValue() : "configMap"));
        Map<String, String> mountedFrom = new HashMap<>();
        container.path("volumeMounts").forEach(m -> {
            assertTrue(m.path("readOnly").booleanValue(), m + " is read-only: the agent writes no file of the host");
            mountedFrom.put(m.path("mountPath").stringValue(), hostPaths.get(m.path("name").stringValue()));
        });
        assertEquals("/proc", mountedFrom.get(value(root, "--proc")));
        assertEquals("/sys", mountedFrom.get(value(root, "--sysfs")));
        String config = value(root, "--config");
        assertTrue(mountedFrom.containsKey(Path.of(config).getParent().toString()), "the configuration's directory is mounted: " + config);
        List<Path> bundleDirs = agent.matchedOptionValue("--bundle-dir", List.of());
        assertEquals(1, bundleDirs.size());
        assertEquals(bundleDirs.getFirst().toString(), mountedFrom.get(bundleDirs.getFirst().toString()));

        int port = AgentCommand.address(value(agent, "--listen")).getPort();
        assertEquals(port, container.path("ports").get(0).path("containerPort").intValue());
        assertEquals("/healthz", container.path("livenessProbe").path("httpGet").path("path").stringValue());
        assertEquals(port, container.path("livenessProbe").path("httpGet").path("port").intValue());
        assertEquals("/readyz", container.path("readinessProbe").path("httpGet").path("path").stringValue());
        assertEquals(port, container.path("readinessProbe").path("httpGet").path("port").intValue());
        assertEquals(String.valueOf(port), daemonSet.path("spec").path("template").path("metadata").path("annotations")
                .path("prometheus.io/port").stringValue());

        // The configuration is the ConfigMap's, and it turns pinning on.
        JsonNode configVolume = null;
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("configMap").isObject()) {
                configVolume = v;
            }
        }
        JsonNode configMap = YAMLMapper.builder().build().readTree(Files.readString(DEPLOY.resolve("kubernetes/configmap.yaml")));
        assertEquals(configMap.path("metadata").path("name").stringValue(), configVolume.path("configMap").path("name").stringValue());
        Path toml = Files.writeString(dir.resolve(Path.of(config).getFileName().toString()),
                configMap.path("data").path(Path.of(config).getFileName().toString()).stringValue());
        assertTrue(KataConfig.load(toml).forPod(Map.of()).pinning().enabled(), "the agent's configuration turns pinning on");

        Set<String> added = new java.util.HashSet<>();
        container.path("securityContext").path("capabilities").path("add").forEach(c -> added.add(c.stringValue()));
        assertEquals(Set.of("SYS_NICE", "SYS_PTRACE"), added);
    }

    @Test
    void theSystemdUnitRunsAnAgentCommandLine() throws IOException {
        String unit = Files.readString(DEPLOY.resolve("systemd/kata-pinning-agent.service"));
        Matcher exec = Pattern.compile("(?m)^ExecStart=\\S+/bin/kata-pinning (.*)$").matcher(unit);
        assertTrue(exec.find(), unit);
        CommandLine.ParseResult parsed = parse(List.of(exec.group(1).split(" ")));
        assertEquals("agent", parsed.subcommand().commandSpec().name());
        assertTrue(parsed.subcommand().hasMatchedOption("--listen"), "the unit serves the metrics");
    }
}
