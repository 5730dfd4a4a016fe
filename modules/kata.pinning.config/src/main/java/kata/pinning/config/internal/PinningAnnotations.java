package kata.pinning.config.internal;

import static kata.pinning.config.PodConfig.GO_PINNING_ANNOTATION;
import static kata.pinning.config.PodConfig.PINNING_ANNOTATION;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the pinning switch from a pod's annotations: the runtime-rs key, or the Go runtime's key as a
 * deprecated alias. Values use Go's {@code strconv.ParseBool} spellings, trimmed of surrounding
 * whitespace.
 */
public final class PinningAnnotations {

    private PinningAnnotations() {
    }

    /**
     * @param annotations the pod's annotations
     * @param log         where the deprecation warning for the alias goes
     * @return the annotated value, or empty when neither key is present
     * @throws ConfigProblem if a value is not a boolean, or both keys are set and disagree
     */
    public static Optional<Boolean> resolve(Map<String, String> annotations, Logger log) {
        Optional<Boolean> primary = read(annotations, PINNING_ANNOTATION);
        Optional<Boolean> alias = read(annotations, GO_PINNING_ANNOTATION);
        if (alias.isPresent()) {
            log.log(Level.WARNING, "pod annotation {0} is deprecated; use {1}", GO_PINNING_ANNOTATION, PINNING_ANNOTATION);
        }
        if (primary.isPresent() && alias.isPresent() && !primary.equals(alias)) {
            throw ConfigProblem.at(null, PINNING_ANNOTATION, "disagrees with " + GO_PINNING_ANNOTATION + ": "
                    + quoted(annotations, PINNING_ANNOTATION) + " against " + quoted(annotations, GO_PINNING_ANNOTATION));
        }
        return primary.or(() -> alias);
    }

    /**
     * Go's {@code strconv.ParseBool} after trimming surrounding whitespace.
     *
     * @return the value, or empty when {@code text} is not one of 1, t, T, TRUE, true, True, 0, f, F,
     *         FALSE, false, False
     */
    public static Optional<Boolean> parseBool(String text) {
        return switch (text.strip()) {
            case "1", "t", "T", "TRUE", "true", "True" -> Optional.of(true);
            case "0", "f", "F", "FALSE", "false", "False" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    private static Optional<Boolean> read(Map<String, String> annotations, String key) {
        if (!annotations.containsKey(key)) {
            return Optional.empty();
        }
        String value = annotations.get(key);
        if (value == null) {
            throw ConfigProblem.at(null, key, "the annotation has no value");
        }
        return Optional.of(parseBool(value).orElseThrow(() -> ConfigProblem.at(null, key,
                "invalid boolean " + TypedTree.quote(value)
                        + " (accepted: 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False)")));
    }

    private static String quoted(Map<String, String> annotations, String key) {
        return TypedTree.quote(annotations.get(key));
    }
}
