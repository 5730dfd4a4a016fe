package kata.pinning.cli.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kata.pinning.config.KataConfig;
import kata.pinning.config.PodConfig;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The effective configuration of each sandbox, read as the lifecycle commands read it: the Kata
 * configuration with its drop-ins, then the pod's annotations, which come from the sandbox's OCI
 * bundle, {@code <dir>/<sandbox id>/config.json} for each bundle directory (containerd keeps them in
 * {@code /run/containerd/io.containerd.runtime.v2.task/k8s.io}). The configuration is loaded once.
 *
 * @param config the Kata configuration
 * @param bundleDirs where the sandboxes' bundles are, in the order they are tried
 */
record PodSettings(KataConfig config, List<Path> bundleDirs) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Copies the list. */
    PodSettings {
        bundleDirs = List.copyOf(bundleDirs);
    }

    /**
     * {@return the effective configuration of a sandbox: the Kata configuration with its annotations}
     *
     * @param sandboxId the sandbox's id
     * @throws kata.pinning.config.ConfigException if an annotation's value is bad
     * @throws IllegalArgumentException naming the file if a bundle's {@code config.json} is not an OCI
     *     spec with string annotations
     */
    PodConfig forSandbox(String sandboxId) {
        return config.forPod(annotations(sandboxId));
    }

    /** The annotations of the first bundle of the sandbox found; none when no bundle directory has it. */
    Map<String, String> annotations(String sandboxId) {
        for (Path dir : bundleDirs) {
            Optional<Map<String, String>> found = annotationsIn(dir.resolve(sandboxId).resolve("config.json"));
            if (found.isPresent()) {
                return found.get();
            }
        }
        return Map.of();
    }

    private static Optional<Map<String, String>> annotationsIn(Path configJson) {
        String text;
        try {
            text = Files.readString(configJson);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + configJson + ": " + e.getMessage(), e);
        }
        JsonNode annotations;
        try {
            JsonNode root = JSON.readTree(text);
            annotations = root == null ? null : root.path("annotations");
        } catch (JacksonException e) {
            throw new IllegalArgumentException(configJson + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        Map<String, String> map = new LinkedHashMap<>();
        if (annotations == null || annotations.isMissingNode() || annotations.isNull()) {
            return Optional.of(map);
        }
        if (!annotations.isObject()) {
            throw new IllegalArgumentException(configJson + ": annotations must be an object, not " + annotations);
        }
        for (Map.Entry<String, JsonNode> entry : annotations.properties()) {
            if (!entry.getValue().isString()) {
                throw new IllegalArgumentException(configJson + ": annotations." + entry.getKey()
                        + " must be a string, not " + entry.getValue());
            }
            map.put(entry.getKey(), entry.getValue().stringValue());
        }
        return Optional.of(map);
    }
}
