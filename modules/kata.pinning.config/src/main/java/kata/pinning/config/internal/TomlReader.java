package kata.pinning.config.internal;

import com.electronwill.nightconfig.core.UnmodifiableConfig;
import com.electronwill.nightconfig.toml.TomlParser;
import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one TOML file into a plain immutable tree: tables become {@code Map<String, Object>} in file
 * order, arrays {@code List<Object>}, integers {@code Long}, floats {@code Double}; strings,
 * booleans and date-times stay as night-config returns them. Keys are taken whole, so a quoted
 * key such as {@code "a.b"} stays one key.
 */
public final class TomlReader {

    private TomlReader() {
    }

    /**
     * Parses {@code file} as UTF-8 TOML.
     *
     * @throws ConfigProblem if the file cannot be read or is not valid TOML; a syntax error carries
     *                       the line of the last character the parser consumed
     */
    public static Map<String, Object> read(Path file) {
        LineCountingReader in;
        try {
            in = new LineCountingReader(Files.newBufferedReader(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new ConfigProblem(file, "", 0, "no such file", e);
        } catch (IOException e) {
            throw new ConfigProblem(file, "", 0, "cannot read: " + e, e);
        }
        try (in) {
            return tree(new TomlParser().parse(in));
        } catch (IOException e) {
            throw new ConfigProblem(file, "", 0, "cannot read: " + e, e);
        } catch (RuntimeException e) {
            // night-config wraps read failures (bad UTF-8 too) in its ParsingException; keep the real cause.
            if (e.getCause() instanceof CharacterCodingException bad) {
                throw new ConfigProblem(file, "", in.line(), "not valid UTF-8 text", bad);
            }
            if (e.getCause() instanceof IOException io) {
                throw new ConfigProblem(file, "", 0, "cannot read: " + io, io);
            }
            throw new ConfigProblem(file, "", in.line(), "not valid TOML: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> tree(UnmodifiableConfig table) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (UnmodifiableConfig.Entry e : table.entrySet()) {
            out.put(e.getKey(), value(e.getRawValue()));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object value(Object raw) {
        return switch (raw) {
            case UnmodifiableConfig table -> tree(table);
            case List<?> array -> {
                List<Object> out = new ArrayList<>(array.size());
                array.forEach(item -> out.add(value(item)));
                yield Collections.unmodifiableList(out);
            }
            case Integer i -> (long) i;
            case Float f -> (double) f;
            default -> raw;
        };
    }

    /**
     * Counts lines as the parser pulls characters. The parser reads ahead a few characters and often
     * fails only after the newline that ends the bad line, so the line reported is that of the last
     * non-blank character read, which in practice is the line at fault.
     */
    private static final class LineCountingReader extends FilterReader {
        private int current = 1;
        private int lastContent = 1;

        LineCountingReader(Reader in) {
            super(in);
        }

        int line() {
            return lastContent;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            see(c);
            return c;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            for (int i = 0; i < n; i++) {
                see(buf[off + i]);
            }
            return n;
        }

        private void see(int c) {
            if (c == '\n') {
                current++;
            } else if (c >= 0 && !Character.isWhitespace(c)) {
                lastContent = current;
            }
        }
    }
}
