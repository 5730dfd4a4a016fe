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
        int i = skipSpace(line, line.length - 1);
        if (i < 0 || line[i] != '}') {
            return -1;
        }
        i = skipSpace(line, i - 1);
        int digitsEnd = i;
        while (i >= 0 && line[i] >= '0' && line[i] <= '9') {
            i--;
        }
        int digits = digitsEnd - i;
        if (digits == 0 || digits > MAX_DIGITS) {
            return -1;
        }
        int digitsStart = i + 1;
        i = skipSpace(line, i);
        if (i < 0 || line[i] != ':') {
            return -1;
        }
        i = skipSpace(line, i - 1);
        if (i < 4 || line[i] != '"' || line[i - 1] != 'd' || line[i - 2] != 'i' || line[i - 3] != '"') {
            return -1;
        }
        i = skipSpace(line, i - 4);
        if (i < 0 || (line[i] != ',' && line[i] != '{')) {
            return -1; // not the start of a key: "id" ends a longer string
        }
        if (digits > 1 && line[digitsStart] == '0') {
            return -1; // not a JSON number
        }
        long id = 0;
        for (int d = digitsStart; d <= digitsEnd; d++) {
            id = id * 10 + (line[d] - '0');
        }
        return id;
    }

    private static int skipSpace(byte[] line, int from) {
        int i = from;
        while (i >= 0 && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n')) {
            i--;
        }
        return i;
    }
}
