package kata.pinning.config;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import kata.pinning.config.internal.ConfigProblem;

/**
 * Thrown when a Kata configuration cannot be used: a file is missing or unreadable, is not valid
 * TOML, holds a key of the wrong type, or a pod annotation has a bad value. The message names the
 * file, the line when the parser gives one, and the key path (or annotation), for example
 * {@code /etc/kata-containers/runtime-rs/configuration.toml: runtime.enable_vcpus_pinning: expected a
 * boolean (true or false), found the string "yes"}.
 *
 * <p>A wrong value is never replaced by a default, and no exception of the TOML library escapes
 * (it may be the {@linkplain #getCause() cause}).
 *
 * @since 0.1
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    /** @serial the key path or annotation name, or {@code ""} */
    private final String keyPath;
    /** @serial the 1-based line, or 0 when unknown */
    private final int line;

    private ConfigException(ConfigProblem p) {
        super(message(p.fileOrNull(), p.lineOrZero(), p.keyPath(), p.problem()), p.getCause());
        this.file = p.fileOrNull();
        this.keyPath = p.keyPath();
        this.line = p.lineOrZero();
    }

    static ConfigException of(ConfigProblem problem) {
        return new ConfigException(problem);
    }

    /** {@return the file at fault; empty for an annotation or when no configuration file was found} */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /**
     * {@return the dotted TOML key path at fault (for example {@code runtime.enable_vcpus_pinning}),
     * the annotation name for an annotation problem, or {@code ""} when the problem is not about one
     * key (a syntax error, a missing file)}
     */
    public String keyPath() {
        return keyPath;
    }

    /** {@return the 1-based line of the problem, when the TOML parser reported one} */
    public OptionalInt line() {
        return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
    }

    private static String message(Path file, int line, String keyPath, String problem) {
        StringBuilder out = new StringBuilder();
        if (file != null) {
            out.append(file).append(line > 0 ? ":" + line : "").append(": ");
        }
        if (!keyPath.isEmpty()) {
            out.append(keyPath).append(": ");
        }
        return out.append(problem).toString();
    }
}
