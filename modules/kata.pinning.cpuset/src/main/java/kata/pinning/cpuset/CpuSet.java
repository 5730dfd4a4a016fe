package kata.pinning.cpuset;

import java.util.Arrays;
import java.util.Collection;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;
import java.util.stream.IntStream;

/**
 * An immutable set of host CPU ids, the only representation of CPU sets in kata-pinning.
 *
 * <p>CPU ids run from 0 to {@link #MAX_CPU}. The set stores one bit per CPU in {@code long} words,
 * so set algebra on two 8192-CPU sets costs a few hundred word operations. Its {@link #toString()}
 * is the canonical Linux cpulist ({@code "0-2,4"}), and {@link #parse(String)} reads any cpulist
 * the kernel's {@code bitmap_parselist} accepts, including the stride form {@code 0-7:2/4}:
 * <pre>{@code
 * CpuSet containers = CpuSet.unionOf(List.of("0-1", "4", "2-7:1/4"));  // 0-2,4,6
 * int third = containers.nth(2);                                         // 2
 * }</pre>
 *
 * @since 0.1
 */
public final class CpuSet implements Iterable<Integer> {

    /** The largest CPU id a set may hold: Linux's largest {@code NR_CPUS} is 8192. */
    public static final int MAX_CPU = 8191;

    private static final long[] NO_WORDS = new long[0];
    private static final CpuSet EMPTY = new CpuSet(NO_WORDS);

    /** Bit {@code c % 64} of word {@code c / 64} is CPU {@code c}; never ends in a zero word. */
    private final long[] words;
    private final int size;

    private CpuSet(long[] words) {
        this.words = words;
        int count = 0;
        for (long word : words) {
            count += Long.bitCount(word);
        }
        this.size = count;
    }

    /** Wraps words the caller no longer uses, dropping trailing zero words. */
    static CpuSet ofOwnedWords(long[] words) {
        int length = words.length;
        while (length > 0 && words[length - 1] == 0) {
            length--;
        }
        if (length == 0) {
            return EMPTY;
        }
        return new CpuSet(length == words.length ? words : Arrays.copyOf(words, length));
    }

    /** {@return the empty set} */
    public static CpuSet empty() {
        return EMPTY;
    }

    /**
     * Returns the set of the given CPU ids; duplicates are allowed.
     *
     * @param cpus CPU ids, each from 0 to {@link #MAX_CPU}
     * @return the set holding exactly those ids
     * @throws IllegalArgumentException if an id is out of range
     */
    public static CpuSet of(int... cpus) {
        long[] bits = new long[0];
        for (int cpu : cpus) {
            checkCpu(cpu);
            int word = cpu >>> 6;
            if (word >= bits.length) {
                bits = Arrays.copyOf(bits, word + 1);
            }
            bits[word] |= 1L << cpu;
        }
        return ofOwnedWords(bits);
    }

    /**
     * Returns the set of the given CPU ids.
     *
     * @param cpus CPU ids, each from 0 to {@link #MAX_CPU}
     * @return the set holding exactly those ids
     * @throws IllegalArgumentException if an id is out of range
     * @throws NullPointerException if the collection or an element is null
     */
    public static CpuSet of(Collection<Integer> cpus) {
        return of(cpus.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Returns the CPUs from {@code first} to {@code last}, both included.
     *
     * @param first the lowest CPU id
     * @param last the highest CPU id, not below {@code first}
     * @return the range as a set
     * @throws IllegalArgumentException if {@code first > last} or either is out of range
     */
    public static CpuSet range(int first, int last) {
        checkCpu(first);
        checkCpu(last);
        if (first > last) {
            throw new IllegalArgumentException("reversed CPU range " + first + "-" + last);
        }
        long[] bits = new long[(last >>> 6) + 1];
        setRange(bits, first, last);
        return ofOwnedWords(bits);
    }

    /**
     * Returns the set whose CPU {@code c} is bit {@code c % 64} of {@code words[c / 64]}, the
     * layout of the kernel's {@code cpu_set_t} on 64-bit Linux.
     *
     * @param words the bitmask; not kept
     * @return the set
     * @throws IllegalArgumentException if a bit above {@link #MAX_CPU} is set
     */
    public static CpuSet fromWords(long... words) {
        long[] copy = words.clone();
        for (int w = (MAX_CPU >>> 6) + 1; w < copy.length; w++) {
            if (copy[w] != 0) {
                throw new IllegalArgumentException(
                        "CPU " + (w * 64 + Long.numberOfTrailingZeros(copy[w])) + " is above " + MAX_CPU);
            }
        }
        return ofOwnedWords(copy);
    }

    /**
     * Parses a Linux cpulist such as {@code "0-3,8,10-11"} or {@code "0-7:2/4"}.
     *
     * <p>The grammar is that of the kernel's {@code bitmap_parselist}: comma-separated tokens, each
     * {@code N}, {@code N-M} with {@code N <= M}, or {@code N-M:U/G}, which takes the first {@code U}
     * CPUs of every group of {@code G} starting at {@code N}. The empty string is the empty set.
     * Whitespace around the whole list, such as the newline that ends a sysfs file, is ignored.
     *
     * @param cpulist the text to parse
     * @return the set it denotes
     * @throws CpuListFormatException naming the offending token and its offset when the text is not
     *     a cpulist or names a CPU above {@link #MAX_CPU}
     */
    public static CpuSet parse(String cpulist) {
        return CpuListParser.parse(cpulist);
    }

    /**
     * Parses every cpulist and returns their union, as a sandbox does with its containers' cpusets.
     *
     * @param cpulists cpulists in {@link #parse(String)} syntax
     * @return the union of all of them; empty for no lists
     * @throws CpuListFormatException for the first list that does not parse
     */
    public static CpuSet unionOf(Collection<String> cpulists) {
        long[] acc = NO_WORDS;
        for (String list : cpulists) {
            acc = or(acc, parse(list).words);
        }
        return ofOwnedWords(acc);
    }

    /**
     * Parses every cpulist and returns their union.
     *
     * @param cpulists cpulists in {@link #parse(String)} syntax
     * @return the union of all of them
     * @throws CpuListFormatException for the first list that does not parse
     */
    public static CpuSet unionOf(String... cpulists) {
        return unionOf(Arrays.asList(cpulists));
    }

    /**
     * {@return the CPUs in this set or in {@code other}}
     *
     * @param other the other set
     */
    public CpuSet union(CpuSet other) {
        if (other.words.length > words.length) {
            return other.union(this);
        }
        if (other.words.length == 0) {
            return this;
        }
        return new CpuSet(or(words, other.words));
    }

    /**
     * {@return the CPUs in both this set and {@code other}}
     *
     * @param other the other set
     */
    public CpuSet intersection(CpuSet other) {
        long[] result = new long[Math.min(words.length, other.words.length)];
        for (int i = 0; i < result.length; i++) {
            result[i] = words[i] & other.words[i];
        }
        return ofOwnedWords(result);
    }

    /**
     * {@return the CPUs in this set that are not in {@code other}}
     *
     * @param other the CPUs to remove
     */
    public CpuSet difference(CpuSet other) {
        long[] result = words.clone();
        for (int i = 0, n = Math.min(result.length, other.words.length); i < n; i++) {
            result[i] &= ~other.words[i];
        }
        return ofOwnedWords(result);
    }

    /**
     * {@return whether {@code cpu} is in this set; false for any id out of range}
     *
     * @param cpu a CPU id
     */
    public boolean contains(int cpu) {
        int word = cpu >>> 6;
        return cpu >= 0 && word < words.length && (words[word] & (1L << cpu)) != 0;
    }

    /**
     * {@return whether every CPU of {@code other} is in this set}
     *
     * @param other the candidate subset
     */
    public boolean containsAll(CpuSet other) {
        if (other.words.length > words.length) {
            return false;
        }
        for (int i = 0; i < other.words.length; i++) {
            if ((other.words[i] & ~words[i]) != 0) {
                return false;
            }
        }
        return true;
    }

    /** {@return the number of CPUs in this set} */
    public int size() {
        return size;
    }

    /** {@return whether this set holds no CPU} */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * {@return the lowest CPU id}
     *
     * @throws NoSuchElementException if the set is empty
     */
    public int first() {
        return nth(0);
    }

    /**
     * {@return the highest CPU id}
     *
     * @throws NoSuchElementException if the set is empty
     */
    public int last() {
        if (isEmpty()) {
            throw new NoSuchElementException("empty CPU set has no last CPU");
        }
        int w = words.length - 1;
        return w * 64 + 63 - Long.numberOfLeadingZeros(words[w]);
    }

    /**
     * Returns the {@code index}-th smallest CPU: {@code nth(0)} is {@link #first()}. Pinning gives
     * the i-th vCPU the CPU {@code nth(i)}.
     *
     * @param index from 0 to {@code size() - 1}
     * @return the CPU id at that rank
     * @throws NoSuchElementException if {@code index} is negative or not below {@link #size()}
     */
    public int nth(int index) {
        if (index < 0 || index >= size) {
            throw new NoSuchElementException("no CPU at index " + index + " in a set of " + size);
        }
        int remaining = index;
        for (int w = 0; ; w++) {
            long word = words[w];
            int count = Long.bitCount(word);
            if (remaining < count) {
                for (int k = 0; k < remaining; k++) {
                    word &= word - 1;
                }
                return w * 64 + Long.numberOfTrailingZeros(word);
            }
            remaining -= count;
        }
    }

    /** {@return the CPU ids in ascending order} */
    public IntStream stream() {
        return IntStream.of(toArray());
    }

    /** {@return a new array of the CPU ids in ascending order} */
    public int[] toArray() {
        int[] cpus = new int[size];
        int i = 0;
        for (int w = 0; w < words.length; w++) {
            for (long word = words[w]; word != 0; word &= word - 1) {
                cpus[i++] = w * 64 + Long.numberOfTrailingZeros(word);
            }
        }
        return cpus;
    }

    /**
     * {@return a copy of the bitmask, CPU {@code c} at bit {@code c % 64} of word {@code c / 64};
     * no trailing zero words}
     */
    public long[] toWords() {
        return words.clone();
    }

    /**
     * Returns one word of the bitmask without copying it, for code that writes the set into a native
     * {@code cpu_set_t} on every call: word {@code index} holds CPUs {@code 64 * index} to
     * {@code 64 * index + 63}, CPU {@code c} at bit {@code c % 64}, as in {@link #toWords()}.
     *
     * @param index the word's index, from 0; past the highest CPU every word is 0
     * @return the word, 0 for an index beyond the last CPU
     * @throws IndexOutOfBoundsException if {@code index} is negative
     * @since 0.2
     */
    public long word(int index) {
        if (index < 0) {
            throw new IndexOutOfBoundsException("negative word index " + index);
        }
        return index < words.length ? words[index] : 0L;
    }

    /** {@return the CPU ids in ascending order} */
    @Override
    public PrimitiveIterator.OfInt iterator() {
        return new PrimitiveIterator.OfInt() {
            private int word = 0;
            private long rest = words.length == 0 ? 0 : words[0];

            @Override
            public boolean hasNext() {
                while (rest == 0 && word + 1 < words.length) {
                    rest = words[++word];
                }
                return rest != 0;
            }

            @Override
            public int nextInt() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int cpu = word * 64 + Long.numberOfTrailingZeros(rest);
                rest &= rest - 1;
                return cpu;
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuSet other && Arrays.equals(words, other.words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }

    /** {@return the canonical cpulist: ascending, runs of two or more CPUs as {@code a-b}} */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        int cpu = nextSetBit(0);
        while (cpu >= 0) {
            int end = nextClearBit(cpu) - 1;
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(cpu);
            if (end > cpu) {
                out.append('-').append(end);
            }
            cpu = nextSetBit(end + 1);
        }
        return out.toString();
    }

    private int nextSetBit(int from) {
        int w = from >>> 6;
        if (w >= words.length) {
            return -1;
        }
        long word = words[w] & (-1L << from);
        while (word == 0) {
            if (++w == words.length) {
                return -1;
            }
            word = words[w];
        }
        return w * 64 + Long.numberOfTrailingZeros(word);
    }

    private int nextClearBit(int from) {
        int w = from >>> 6;
        if (w >= words.length) {
            return from;
        }
        long word = ~words[w] & (-1L << from);
        while (word == 0) {
            if (++w == words.length) {
                return w * 64;
            }
            word = ~words[w];
        }
        return w * 64 + Long.numberOfTrailingZeros(word);
    }

    private static long[] or(long[] longer, long[] shorter) {
        if (shorter.length > longer.length) {
            return or(shorter, longer);
        }
        long[] result = longer.clone();
        for (int i = 0; i < shorter.length; i++) {
            result[i] |= shorter[i];
        }
        return result;
    }

    /** Sets bits {@code first..last} (both included) in {@code bits}, which must be long enough. */
    static void setRange(long[] bits, int first, int last) {
        int firstWord = first >>> 6;
        int lastWord = last >>> 6;
        long firstMask = -1L << first;
        long lastMask = -1L >>> (63 - (last & 63));
        if (firstWord == lastWord) {
            bits[firstWord] |= firstMask & lastMask;
            return;
        }
        bits[firstWord] |= firstMask;
        for (int w = firstWord + 1; w < lastWord; w++) {
            bits[w] = -1L;
        }
        bits[lastWord] |= lastMask;
    }

    private static void checkCpu(int cpu) {
        if (cpu < 0 || cpu > MAX_CPU) {
            throw new IllegalArgumentException("CPU id " + cpu + " is outside 0-" + MAX_CPU);
        }
    }
}
