package kata.pinning.cpuset;

/**
 * Thrown when a text is not a valid Linux cpulist. The message names the offending token and its
 * offset in the input, for example {@code invalid cpulist "1,,2": empty token at offset 2}.
 *
 * @since 0.1
 */
public final class CpuListFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;
    private static final int MAX_QUOTED = 80;

    private final String input;
    private final String token;
    private final int offset;

    CpuListFormatException(String input, String token, int offset, String problem) {
        super("invalid cpulist " + quote(input) + ": " + problem
                + (token.isEmpty() ? "" : " in token " + quote(token)) + " at offset " + offset);
        this.input = input;
        this.token = token;
        this.offset = offset;
    }

    /** {@return the whole text that failed to parse} */
    public String input() {
        return input;
    }

    /** {@return the comma-separated token that is wrong; empty for an empty token} */
    public String token() {
        return token;
    }

    /** {@return the offset in {@link #input()} where the problem was found} */
    public int offset() {
        return offset;
    }

    private static String quote(String text) {
        String shown = text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "..." : text;
        StringBuilder out = new StringBuilder("\"");
        for (char c : shown.toCharArray()) {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
