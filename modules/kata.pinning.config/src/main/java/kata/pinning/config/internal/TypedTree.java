package kata.pinning.config.internal;

import java.nio.file.Path;
import java.time.temporal.TemporalAccessor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Typed reads from a merged tree. An absent key is {@code Optional.empty()}; a key of the wrong type
 * (or a non-table where a table must be) is a {@link ConfigProblem} naming the key path and the file
 * that set the value, never a default.
 */
final class TypedTree {

    private static final Pattern BARE_KEY = Pattern.compile("[A-Za-z0-9_-]+");
    private static final int MAX_SHOWN = 60;

    private final MergedToml merged;

    TypedTree(MergedToml merged) {
        this.merged = merged;
    }

    Optional<Boolean> bool(String... path) {
        return get(path).map(v -> {
            if (v instanceof Boolean b) {
                return b;
            }
            throw wrongType(path, "a boolean (true or false)", v);
        });
    }

    Optional<String> string(String... path) {
        return get(path).map(v -> {
            if (v instanceof String s) {
                return s;
            }
            throw wrongType(path, "a string", v);
        });
    }

    /** An array of strings, such as {@code numa_mapping = ["0", "1-2"]}. */
    Optional<List<String>> stringList(String... path) {
        return get(path).map(v -> {
            if (v instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
                return list.stream().map(String.class::cast).toList();
            }
            throw wrongType(path, "an array of strings", v);
        });
    }

    /** An integer or a float, as serde reads a TOML integer into an {@code f32} field. */
    Optional<Double> number(String... path) {
        return get(path).map(v -> switch (v) {
            case Long l -> (double) l;
            case Double d when !d.isNaN() -> d;
            default -> throw wrongType(path, "a number", v);
        });
    }

    /** An integer in {@code [min, max]}. */
    Optional<Long> integer(long min, long max, String... path) {
        return get(path).map(v -> {
            if (!(v instanceof Long l)) {
                throw wrongType(path, "an integer", v);
            }
            if (l < min || l > max) {
                throw problem(path, "must be between " + min + " and " + max + ", found " + l);
            }
            return l;
        });
    }

    /** A table; every value in it is returned as the tree holds it. */
    Optional<Map<String, Object>> table(String... path) {
        return get(path).map(v -> asTable(path, v));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> asTable(String[] path, Object v) {
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw wrongType(path, "a table", v);
    }

    private Optional<Object> get(String... path) {
        Map<String, Object> table = merged.tree();
        for (int i = 0; i < path.length - 1; i++) {
            Object next = table.get(path[i]);
            if (next == null) {
                return Optional.empty();
            }
            table = asTable(Arrays.copyOf(path, i + 1), next);
        }
        return Optional.ofNullable(table.get(path[path.length - 1]));
    }

    ConfigProblem problem(String[] path, String what) {
        Path file = merged.origin(List.of(path)).orElse(merged.base());
        return ConfigProblem.at(file, keyPath(path), what);
    }

    private ConfigProblem wrongType(String[] path, String expected, Object found) {
        return problem(path, "expected " + expected + ", found " + describe(found));
    }

    /** The dotted TOML form of a key path, quoting keys that are not bare. */
    static String keyPath(String... path) {
        StringBuilder out = new StringBuilder();
        for (String key : path) {
            if (!out.isEmpty()) {
                out.append('.');
            }
            out.append(BARE_KEY.matcher(key).matches() ? key : quote(key));
        }
        return out.toString();
    }

    static String describe(Object value) {
        return switch (value) {
            case String s -> "the string " + quote(s.length() > MAX_SHOWN ? s.substring(0, MAX_SHOWN) + "..." : s);
            case Boolean b -> "the boolean " + b;
            case Long l -> "the integer " + l;
            case Double d -> "the float " + d;
            case Map<?, ?> m -> "a table";
            case List<?> l -> "an array";
            case TemporalAccessor t -> "the date-time " + t;
            default -> "a " + value.getClass().getSimpleName();
        };
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04X", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.append('"').toString();
    }
}
