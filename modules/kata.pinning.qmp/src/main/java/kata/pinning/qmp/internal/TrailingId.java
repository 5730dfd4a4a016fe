package kata.pinning.qmp.internal;

/**
 * Finds a reply's id without parsing it: QEMU writes {@code "id"} as the last member of a reply,
 * as in {@code {"return": [...], "id": 3}}. Only the ids this client sends (small non-negative
 * integers) are recognized; whatever else a line holds, parsing it decides.
 */
final class TrailingId {

    private static final int MAX_DIGITS = 18;

    private TrailingId() {
    }

    /**
     * {@return the id if the line ends with {@code , "id": N}}, else -1} The member found is one
     * of the outermost object: a number right before the final {@code }} belongs to the object
     * that brace closes.
     */
    static long of(byte[] line) {
        return of(line, 0, line.length);
    }

    /** {@return as {@link #of(byte[])}, for the line in {@code bytes[from, from + length)}} */
    static long of(byte[] bytes, int from, int length) {
        int i = skipSpace(bytes, from, from + length - 1);
        if (i < from || bytes[i] != '}') {
            return -1;
        }
        i = skipSpace(bytes, from, i - 1);
        int digitsEnd = i;
        while (i >= from && bytes[i] >= '0' && bytes[i] <= '9') {
            i--;
        }
        int digits = digitsEnd - i;
        if (digits == 0 || digits > MAX_DIGITS) {
            return -1;
        }
        int digitsStart = i + 1;
        i = skipSpace(bytes, from, i);
        if (i < from || bytes[i] != ':') {
            return -1;
        }
        i = skipSpace(bytes, from, i - 1);
        if (i < from + 4 || bytes[i] != '"' || bytes[i - 1] != 'd' || bytes[i - 2] != 'i' || bytes[i - 3] != '"') {
            return -1;
        }
        i = skipSpace(bytes, from, i - 4);
        if (i < from || (bytes[i] != ',' && bytes[i] != '{')) {
            return -1; // not the start of a key: "id" ends a longer string
        }
        if (digits > 1 && bytes[digitsStart] == '0') {
            return -1; // not a JSON number
        }
        long id = 0;
        for (int d = digitsStart; d <= digitsEnd; d++) {
            id = id * 10 + (bytes[d] - '0');
        }
        return id;
    }

    /** {@return the index of the last byte in {@code bytes[from, last]} that is no JSON space, or {@code from - 1}} */
    private static int skipSpace(byte[] bytes, int from, int last) {
        int i = last;
        while (i >= from && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n')) {
            i--;
        }
        return i;
    }
}
