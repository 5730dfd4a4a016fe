package kata.pinning.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the small TOML files the tests load from disk. */
final class Toml {

    private Toml() {
    }

    /**
     * Writes {@code lines} (joined by newlines) to {@code dir/name}, creating {@code dir} if needed.
     *
     * @return the file's real path, as {@link KataConfig} reports paths
     */
    static Path write(Path dir, String name, String... lines) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n").toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a drop-in {@code dir/config.d/name}. */
    static Path dropIn(Path dir, String name, String... lines) {
        return write(dir.resolve("config.d"), name, lines);
    }
}
