package kata.pinning.cpuset;

/**
 * The cpulist grammar of the kernel's {@code bitmap_parselist}, in one left-to-right pass with no
 * allocation beyond the result. Numbers stop accumulating once they pass {@link CpuSet#MAX_CPU}, so
 * {@code 0-4294967295} fails fast instead of overflowing or allocating.
 */
final class CpuListParser {

    private final String input;
    private final long[] bits = new long[(CpuSet.MAX_CPU >>> 6) + 1];
    private int pos;
    private int tokenStart;

    private CpuListParser(String input) {
        this.input = input;
    }

    static CpuSet parse(String text) {
        if (text == null) {
            throw new NullPointerException("cpulist is null");
        }
        CpuListParser parser = new CpuListParser(text);
        parser.parseList();
        return CpuSet.ofOwnedWords(parser.bits);
    }

    private void parseList() {
        int end = input.length();
        while (end > 0 && Character.isWhitespace(input.charAt(end - 1))) {
            end--;
        }
        pos = 0;
        while (pos < end && Character.isWhitespace(input.charAt(pos))) {
            pos++;
        }
        if (pos == end) {
            return;
        }
        while (true) {
            tokenStart = pos;
            parseRegion(end);
            if (pos == end) {
                return;
            }
            if (input.charAt(pos) != ',') {
                throw error(end, "unexpected character '" + printable(input.charAt(pos)) + "'");
            }
            pos++;
            if (pos == end) {
                tokenStart = pos;
                throw error(end, "empty token");
            }
        }
    }

    private void parseRegion(int end) {
        if (pos == end || input.charAt(pos) == ',') {
            throw error(end, "empty token");
        }
        int start = number(end, "CPU id");
        int last = start;
        int used = 1;
        int group = 1;
        if (pos < end && input.charAt(pos) == '-') {
            pos++;
            last = number(end, "range end");
            if (last < start) {
                throw error(end, "reversed range " + start + "-" + last);
            }
            if (pos < end && input.charAt(pos) == ':') {
                pos++;
                used = number(end, "stride used count");
                if (pos == end || input.charAt(pos) != '/') {
                    throw error(end, "stride needs the form N-M:used/group");
                }
                pos++;
                group = number(end, "stride group size");
                if (group == 0) {
                    throw error(end, "stride group size 0");
                }
                if (used > group) {
                    throw error(end, "stride uses " + used + " CPUs of groups of " + group);
                }
            }
        }
        if (used == group) {
            CpuSet.setRange(bits, start, last);
        } else if (used > 0) {
            for (int first = start; first <= last; first += group) {
                CpuSet.setRange(bits, first, Math.min(last, first + used - 1));
            }
        }
    }

    /** Reads a decimal number of at least one digit that is at most {@link CpuSet#MAX_CPU}. */
    private int number(int end, String what) {
        int begin = pos;
        int value = 0;
        while (pos < end) {
            char c = input.charAt(pos);
            if (c < '0' || c > '9') {
                break;
            }
            if (value <= CpuSet.MAX_CPU) {
                value = value * 10 + (c - '0');
            }
            pos++;
        }
        if (pos == begin) {
            String found = pos == end ? "end of input" : "'" + printable(input.charAt(pos)) + "'";
            throw error(end, "expected " + what + " but found " + found);
        }
        if (value > CpuSet.MAX_CPU) {
            pos = begin;
            throw error(end, what + " " + input.substring(begin, Math.min(begin + 20, tokenEnd(end)))
                    + " is above the largest CPU id " + CpuSet.MAX_CPU);
        }
        return value;
    }

    private int tokenEnd(int end) {
        int comma = input.indexOf(',', tokenStart);
        return comma < 0 || comma > end ? end : comma;
    }

    private CpuListFormatException error(int end, String problem) {
        return new CpuListFormatException(input, input.substring(tokenStart, tokenEnd(end)), pos, problem);
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
