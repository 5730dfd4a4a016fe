package kata.pinning.config.internal;

import java.nio.file.Path;

/**
 * A configuration problem found by the internals. {@code KataConfig} turns it into the public
 * {@code ConfigException}, so that exception keeps package-private constructors.
 */
public final class ConfigProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String keyPath;
    private final int line;
    private final String problem;

    /**
     * @param file    the file at fault, or {@code null} when no file is (an annotation, the search)
     * @param keyPath the dotted key path or annotation name, or {@code ""}
     * @param line    the 1-based line, or 0 when unknown
     * @param problem what is wrong, without the location
     * @param cause   the underlying exception, or {@code null}
     */
    public ConfigProblem(Path file, String keyPath, int line, String problem, Throwable cause) {
        super(problem, cause);
        this.file = file;
        this.keyPath = keyPath;
        this.line = line;
        this.problem = problem;
    }

    /** A problem with the given file and key and no line. */
    public static ConfigProblem at(Path file, String keyPath, String problem) {
        return new ConfigProblem(file, keyPath, 0, problem, null);
    }

    /** {@return the file at fault, or null} */
    public Path fileOrNull() {
        return file;
    }

    /** {@return the key path or annotation name, or ""} */
    public String keyPath() {
        return keyPath;
    }

    /** {@return the 1-based line, or 0 when unknown} */
    public int lineOrZero() {
        return line;
    }

    /** {@return what is wrong, without the location} */
    public String problem() {
        return problem;
    }
}
