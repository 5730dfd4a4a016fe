package kata.pinning.config.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A base configuration file with its {@code config.d/*.toml} drop-ins deep-merged over it, as Kata's
 * runtime-rs does: tables merge key by key, and any other value (arrays included) replaces what was
 * there, whatever its type. For every key path the file that set it last is kept, so errors and the
 * pinning source can name it.
 *
 * @param base    the base file
 * @param dropIns the drop-ins that were merged, in merge order
 * @param tree    the merged tree (immutable)
 * @param origins for each key path of {@code tree}, tables included, the last file that set it or,
 *                for a table, added to it
 */
public record MergedToml(Path base, List<Path> dropIns, Map<String, Object> tree, Map<List<String>, Path> origins) {

    /** The drop-in directory's name, beside the base file. */
    public static final String DROP_IN_DIR = "config.d";

    /** Orders drop-ins by the UTF-8 bytes of their names, as Rust's {@code OsString} ordering does. */
    private static final Comparator<Path> BY_NAME_BYTES = (a, b) -> Arrays.compareUnsigned(
            a.getFileName().toString().getBytes(StandardCharsets.UTF_8),
            b.getFileName().toString().getBytes(StandardCharsets.UTF_8));

    public MergedToml {
        dropIns = List.copyOf(dropIns);
        origins = Map.copyOf(origins);
    }

    /**
     * Reads {@code base} and every regular {@code *.toml} file in {@code config.d/} beside it, in
     * name order, and merges them.
     *
     * @throws ConfigProblem if a file cannot be read or is not valid TOML, or {@code config.d} or
     *                       one of its {@code *.toml} entries is not what it should be
     */
    public static MergedToml load(Path base) {
        List<Path> dropIns = listDropIns(base);
        Merger merger = new Merger();
        merger.apply(base, TomlReader.read(base));
        for (Path dropIn : dropIns) {
            merger.apply(dropIn, TomlReader.read(dropIn));
        }
        return new MergedToml(base, dropIns, freeze(merger.root), merger.origins);
    }

    /** {@return the file that set (or, for a table, last extended) {@code keyPath}, if the merged tree has it} */
    public Optional<Path> origin(List<String> keyPath) {
        return Optional.ofNullable(origins.get(keyPath));
    }

    private static List<Path> listDropIns(Path base) {
        Path parent = base.toAbsolutePath().getParent();
        Path dir = parent == null ? Path.of(DROP_IN_DIR) : parent.resolve(DROP_IN_DIR);
        if (!Files.exists(dir)) {
            return List.of();
        }
        if (!Files.isDirectory(dir)) {
            throw ConfigProblem.at(dir, "", "the drop-in path exists but is not a directory");
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.toml")) {
            for (Path entry : entries) {
                if (!Files.isRegularFile(entry)) {
                    // Kata refuses such entries too; skipping them would hide a broken symlink.
                    throw ConfigProblem.at(entry, "", "a drop-in must be a regular file or a symlink to one");
                }
                found.add(entry);
            }
        } catch (IOException e) {
            throw new ConfigProblem(dir, "", 0, "cannot list drop-ins: " + e, e);
        }
        found.sort(BY_NAME_BYTES);
        return found;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> freeze(Map<String, Object> table) {
        Map<String, Object> out = new LinkedHashMap<>();
        table.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> sub ? freeze((Map<String, Object>) sub) : v));
        return Collections.unmodifiableMap(out);
    }

    /** Merges trees into a mutable root while keeping the origin of every key path. */
    private static final class Merger {
        final Map<String, Object> root = new LinkedHashMap<>();
        final Map<List<String>, Path> origins = new HashMap<>();

        void apply(Path file, Map<String, Object> overlay) {
            mergeInto(root, overlay, List.of(), file);
        }

        @SuppressWarnings("unchecked")
        private void mergeInto(Map<String, Object> target, Map<String, Object> overlay, List<String> at, Path file) {
            overlay.forEach((key, value) -> {
                List<String> path = append(at, key);
                if (value instanceof Map<?, ?> table && target.get(key) instanceof Map<?, ?> existing) {
                    origins.put(path, file);
                    mergeInto((Map<String, Object>) existing, (Map<String, Object>) table, path, file);
                } else {
                    origins.keySet().removeIf(p -> startsWith(p, path));
                    target.put(key, value instanceof Map<?, ?> table ? mutableCopy((Map<String, Object>) table) : value);
                    remember(path, value, file);
                }
            });
        }

        @SuppressWarnings("unchecked")
        private void remember(List<String> path, Object value, Path file) {
            origins.put(path, file);
            if (value instanceof Map<?, ?> table) {
                ((Map<String, Object>) table).forEach((k, v) -> remember(append(path, k), v, file));
            }
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> mutableCopy(Map<String, Object> table) {
            Map<String, Object> out = new LinkedHashMap<>();
            table.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> sub ? mutableCopy((Map<String, Object>) sub) : v));
            return out;
        }

        private static List<String> append(List<String> path, String key) {
            List<String> out = new ArrayList<>(path.size() + 1);
            out.addAll(path);
            out.add(key);
            return List.copyOf(out);
        }

        private static boolean startsWith(List<String> path, List<String> prefix) {
            return path.size() >= prefix.size() && path.subList(0, prefix.size()).equals(prefix);
        }
    }
}
