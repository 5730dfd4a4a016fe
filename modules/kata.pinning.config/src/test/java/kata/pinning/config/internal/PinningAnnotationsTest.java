package kata.pinning.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.System.Logger;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ResourceBundle;
import kata.pinning.config.PodConfig;
import org.junit.jupiter.api.Test;

/** The deprecation warning for the Go runtime's key, caught with a recording logger. */
class PinningAnnotationsTest {

    /** Keeps formatted messages of the levels that are on; a fake, used only to observe the warning. */
    private static final class RecordingLogger implements Logger {
        final List<String> warnings = new ArrayList<>();

        @Override
        public String getName() {
            return "recording";
        }

        @Override
        public boolean isLoggable(Level level) {
            return level.getSeverity() >= Level.WARNING.getSeverity();
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            warnings.add(msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            warnings.add(MessageFormat.format(format, params));
        }
    }

    @Test
    void theAliasLogsOneDeprecationWarningNamingBothKeys() {
        RecordingLogger log = new RecordingLogger();

        Optional<Boolean> value = PinningAnnotations.resolve(Map.of(PodConfig.GO_PINNING_ANNOTATION, "true"), log);

        assertEquals(Optional.of(true), value);
        assertEquals(List.of("pod annotation io.katacontainers.enable_vcpus_pinning is deprecated; use "
                + "io.katacontainers.config.runtime.enable_vcpus_pinning"), log.warnings);
    }

    @Test
    void thePrimaryKeyAloneLogsNothing() {
        RecordingLogger log = new RecordingLogger();

        PinningAnnotations.resolve(Map.of(PodConfig.PINNING_ANNOTATION, "false"), log);

        assertEquals(List.of(), log.warnings);
    }

    @Test
    void parseBoolAcceptsExactlyGosSpellings() {
        List<String> accepted = new ArrayList<>();
        for (String s : List.of("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False",
                "tRUE", "yes", "Y", "on", "01", "1.0", "+1", "")) {
            if (PinningAnnotations.parseBool(s).isPresent()) {
                accepted.add(s);
            }
        }

        assertEquals(List.of("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"), accepted);
    }
}
