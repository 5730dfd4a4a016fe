package kata.pinning.config.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The drop-in merge, checked on real files: small generated TOML trees are written to a temporary
 * directory as a base file and {@code config.d/} drop-ins, loaded, and compared with a model merge.
 */
class MergeProperties {

    /** Few keys, so base and drop-ins collide often; two need quoting, one contains a dot. */
    private static final List<String> KEYS = List.of("a", "b", "c", "x.y", "with space");

    @Property(tries = 200)
    boolean mergedTreeEqualsTheModelMerge(@ForAll("tables") Map<String, Object> base,
                                          @ForAll("dropInLists") List<Map<String, Object>> dropIns) {
        return withFiles(base, dropIns, (merged, files) -> merged.tree().equals(modelMerge(base, dropIns)));
    }

    @Property(tries = 200)
    boolean everyLeafComesFromTheLastFileThatSetIt(@ForAll("tables") Map<String, Object> base,
                                                   @ForAll("dropInLists") List<Map<String, Object>> dropIns) {
        List<Map<String, Object>> trees = new ArrayList<>();
        trees.add(base);
        trees.addAll(dropIns);
        return withFiles(base, dropIns, (merged, files) -> leaves(merged.tree(), List.of()).stream().allMatch(path -> {
            int from = files.indexOf(merged.origin(path).orElseThrow());
            boolean setThere = lookup(trees.get(from), path).equals(lookup(merged.tree(), path));
            boolean untouchedLater = trees.subList(from + 1, trees.size()).stream().noneMatch(t -> replacesOrSets(t, path));
            return setThere && untouchedLater;
        }));
    }

    @Provide
    Arbitrary<Map<String, Object>> tables() {
        return table(3);
    }

    @Provide
    Arbitrary<List<Map<String, Object>>> dropInLists() {
        return table(3).list().ofMaxSize(3);
    }

    private Arbitrary<Map<String, Object>> table(int depth) {
        Arbitrary<Object> leaf = Arbitraries.oneOf(
                Arbitraries.longs().between(-3, 3).map(v -> (Object) v),
                Arbitraries.strings().alpha().ofMaxLength(3).map(v -> (Object) v),
                Arbitraries.of(true, false).map(v -> (Object) v),
                Arbitraries.longs().between(0, 9).list().ofMaxSize(3).map(v -> (Object) v));
        Arbitrary<Object> value = depth == 0 ? leaf
                : Arbitraries.frequencyOf(Tuple.of(3, leaf), Tuple.of(2, table(depth - 1).map(v -> (Object) v)));
        // Choose the keys first: drawing unique keys from so few makes maps() retry a lot.
        return Arbitraries.subsetOf(KEYS).ofMaxSize(4).flatMap(keys -> value.list().ofSize(keys.size()).map(values -> {
            Map<String, Object> table = new LinkedHashMap<>();
            List<String> ordered = keys.stream().sorted().toList();
            for (int i = 0; i < ordered.size(); i++) {
                table.put(ordered.get(i), values.get(i));
            }
            return table;
        }));
    }

    /** Kata's merge, written from its definition: tables merge key by key, anything else replaces. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> modelMerge(Map<String, Object> base, List<Map<String, Object>> dropIns) {
        Map<String, Object> result = new LinkedHashMap<>(base);
        for (Map<String, Object> dropIn : dropIns) {
            Map<String, Object> next = new LinkedHashMap<>(result);
            dropIn.forEach((k, v) -> next.put(k, v instanceof Map<?, ?> m && next.get(k) instanceof Map<?, ?> old
                    ? modelMerge((Map<String, Object>) old, List.of((Map<String, Object>) m)) : v));
            result = next;
        }
        return result;
    }

    // --- the files -----------------------------------------------------------------------------

    private interface Check {
        boolean test(MergedToml merged, List<Path> files);
    }

    private static boolean withFiles(Map<String, Object> base, List<Map<String, Object>> dropIns, Check check) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("merge-property").toRealPath();
            List<Path> files = new ArrayList<>();
            files.add(write(dir.resolve("configuration.toml"), base));
            Path configD = Files.createDirectories(dir.resolve(MergedToml.DROP_IN_DIR));
            for (int i = dropIns.size() - 1; i >= 0; i--) { // create in reverse: order must come from names
                files.add(1, write(configD.resolve(String.format("%02d-drop-in.toml", i)), dropIns.get(i)));
            }
            return check.test(MergedToml.load(files.get(0)), files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(dir);
        }
    }

    private static Path write(Path file, Map<String, Object> tree) throws IOException {
        StringBuilder text = new StringBuilder();
        writeTable(text, List.of(), tree);
        return Files.writeString(file, text);
    }

    /** TOML for a tree: a table's plain keys first, then each sub-table under its own header. */
    @SuppressWarnings("unchecked")
    private static void writeTable(StringBuilder out, List<String> path, Map<String, Object> table) {
        if (!path.isEmpty()) {
            out.append('[').append(String.join(".", path.stream().map(TypedTree::quote).toList())).append("]\n");
        }
        table.forEach((k, v) -> {
            if (!(v instanceof Map)) {
                out.append(TypedTree.quote(k)).append(" = ").append(literal(v)).append('\n');
            }
        });
        table.forEach((k, v) -> {
            if (v instanceof Map<?, ?> sub) {
                List<String> subPath = new ArrayList<>(path);
                subPath.add(k);
                writeTable(out, subPath, (Map<String, Object>) sub);
            }
        });
    }

    private static String literal(Object v) {
        return switch (v) {
            case String s -> TypedTree.quote(s);
            case List<?> l -> l.toString();
            default -> v.toString();
        };
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- tree helpers ------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static List<List<String>> leaves(Map<String, Object> table, List<String> at) {
        List<List<String>> out = new ArrayList<>();
        table.forEach((k, v) -> {
            List<String> path = new ArrayList<>(at);
            path.add(k);
            if (v instanceof Map<?, ?> sub) {
                out.addAll(leaves((Map<String, Object>) sub, path));
            } else {
                out.add(List.copyOf(path));
            }
        });
        return out;
    }

    /** The value at {@code path}, or the string "absent" (no generated value equals it by type). */
    private static Object lookup(Map<String, Object> tree, List<String> path) {
        Object node = tree;
        for (String key : path) {
            if (!(node instanceof Map<?, ?> m) || !m.containsKey(key)) {
                return List.of("absent");
            }
            node = m.get(key);
        }
        return node;
    }

    /** Whether merging {@code tree} would overwrite the leaf at {@code path}. */
    private static boolean replacesOrSets(Map<String, Object> tree, List<String> path) {
        Object node = tree;
        for (String key : path) {
            if (!(node instanceof Map<?, ?> m) || !m.containsKey(key)) {
                return false;
            }
            node = m.get(key);
            if (!(node instanceof Map)) {
                return true; // a value at the leaf or at a prefix replaces what was there
            }
        }
        return true; // a table where the leaf was replaces it too
    }
}
