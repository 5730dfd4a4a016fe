package kata.pinning.cgroup.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import kata.pinning.cgroup.CgroupException;

/**
 * Parser for {@code /proc/<pid>/mountinfo} (proc(5)). A line reads
 * {@code id parent major:minor root mount-point mount-options [optional-fields...] - fstype source super-options};
 * the optional fields vary in number, so the fields after them are found from the lone {@code -}.
 */
final class MountInfo {

    /** Fields before the optional ones: id, parent, major:minor, root, mount point, options. */
    private static final int FIXED_FIELDS = 6;

    private MountInfo() {
    }

    /**
     * Reads and parses a mountinfo file.
     *
     * @throws CgroupException naming the file when it cannot be read or a line is malformed
     */
    static List<Mount> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CgroupException("cannot read " + file + ": " + e, file, "", e);
        }
        // Lenient decoding: a mount point that is not UTF-8 must not hide the cgroup lines.
        return parse(new String(bytes, StandardCharsets.UTF_8), file);
    }

    /**
     * Parses mountinfo text; blank lines are skipped.
     *
     * @param source the file the text came from, named in errors
     * @throws CgroupException naming {@code source} and the malformed line
     */
    static List<Mount> parse(String text, Path source) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                mounts.add(parseLine(line, source));
            }
        }
        return mounts;
    }

    private static Mount parseLine(String line, Path source) {
        String[] fields = line.strip().split(" ");
        int separator = FIXED_FIELDS;
        while (separator < fields.length && !fields[separator].equals("-")) {
            separator++;
        }
        if (separator + 3 >= fields.length) {
            throw new CgroupException("malformed line in " + source + ": \"" + line
                    + "\" (expected 6 fields, optional fields, \"-\", fstype, source, super options)",
                    source, line, null);
        }
        Path mountPoint;
        try {
            mountPoint = Path.of(unescape(fields[4]));
        } catch (InvalidPathException e) { // an escaped NUL
            throw new CgroupException("malformed line in " + source + ": \"" + line + "\" (mount point "
                    + e.getMessage() + ")", source, line, e);
        }
        return new Mount(unescape(fields[3]), mountPoint, fields[separator + 1],
                Arrays.asList(fields[separator + 3].split(",")));
    }

    /**
     * Decodes the kernel's escapes in a mountinfo path: space, tab, newline and backslash are
     * written as a backslash and three octal digits ({@code \040}, {@code \011}, {@code \012},
     * {@code \134}). Anything else is kept as it is.
     */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()
                    && isOctal(field, i + 1) && isOctal(field, i + 2) && isOctal(field, i + 3)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int index) {
        char c = s.charAt(index);
        return c >= '0' && c <= '7';
    }
}
