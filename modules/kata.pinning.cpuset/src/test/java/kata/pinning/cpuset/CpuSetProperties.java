package kata.pinning.cpuset;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Set laws checked against a {@code TreeSet<Integer>} model, and the parser against a model grammar. */
class CpuSetProperties {

    @Property
    boolean formatThenParseIsIdentity(@ForAll("cpuSets") CpuSet s) {
        return CpuSet.parse(s.toString()).equals(s);
    }

    @Property
    boolean unionIsCommutative(@ForAll("cpuSets") CpuSet a, @ForAll("cpuSets") CpuSet b) {
        return a.union(b).equals(b.union(a));
    }

    @Property
    boolean unionIsAssociative(@ForAll("cpuSets") CpuSet a, @ForAll("cpuSets") CpuSet b, @ForAll("cpuSets") CpuSet c) {
        return a.union(b).union(c).equals(a.union(b.union(c)));
    }

    @Property
    boolean unionIsIdempotentWithEmptyAsIdentity(@ForAll("cpuSets") CpuSet a) {
        return a.union(a).equals(a) && a.union(CpuSet.empty()).equals(a) && CpuSet.empty().union(a).equals(a);
    }

    @Property
    boolean unionHoldsEachOperandAndNothingElse(@ForAll("cpuSets") CpuSet a, @ForAll("cpuSets") CpuSet b) {
        CpuSet u = a.union(b);
        boolean holdsBoth = u.containsAll(a) && u.containsAll(b);
        boolean nothingElse = u.stream().allMatch(cpu -> a.contains(cpu) || b.contains(cpu));
        return holdsBoth && nothingElse && u.size() == model(a, b, "union").size();
    }

    @Property
    boolean algebraMatchesTheModel(@ForAll("cpuSets") CpuSet a, @ForAll("cpuSets") CpuSet b) {
        return toModel(a.union(b)).equals(model(a, b, "union"))
                && toModel(a.intersection(b)).equals(model(a, b, "intersection"))
                && toModel(a.difference(b)).equals(model(a, b, "difference"));
    }

    @Property
    boolean queriesMatchTheModel(@ForAll("cpuSets") CpuSet s, @ForAll("cpuIds") int probe) {
        List<Integer> sorted = new ArrayList<>(toModel(s));
        boolean ranks = true;
        for (int i = 0; i < sorted.size(); i++) {
            ranks &= s.nth(i) == sorted.get(i);
        }
        return ranks
                && s.size() == sorted.size()
                && s.contains(probe) == sorted.contains(probe)
                && (s.isEmpty() || (s.first() == sorted.getFirst() && s.last() == sorted.getLast()))
                && s.equals(CpuSet.of(sorted))
                && s.hashCode() == CpuSet.of(sorted).hashCode()
                && s.equals(CpuSet.fromWords(s.toWords()))
                && wordsMatchToWords(s);
    }

    private static boolean wordsMatchToWords(CpuSet s) {
        long[] words = s.toWords();
        for (int w = 0; w <= words.length; w++) {
            if (s.word(w) != (w < words.length ? words[w] : 0L)) {
                return false;
            }
        }
        return true;
    }

    @Property
    boolean unionOfStringsEqualsFoldedUnion(@ForAll("cpuSetLists") List<CpuSet> sets) {
        CpuSet folded = sets.stream().reduce(CpuSet.empty(), CpuSet::union);
        return CpuSet.unionOf(sets.stream().map(CpuSet::toString).toList()).equals(folded);
    }

    @Property
    boolean generatedCpulistParsesToTheModel(@ForAll("cpulists") Cpulist list) {
        return toModel(CpuSet.parse(list.text())).equals(list.model());
    }

    @Property(tries = 2000)
    void garbageEitherParsesOrIsACpuListFormatException(@ForAll("mutatedCpulists") String text) throws Exception {
        // Bounded in time: a hostile string must never make the parser loop or allocate without bound.
        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
            try {
                CpuSet.parse(text);
            } catch (CpuListFormatException expected) {
                if (!text.contains(expected.token())) {
                    throw new AssertionError("token " + expected.token() + " not in input " + text);
                }
            }
        });
        run.get(Duration.ofSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---- generators ----

    @Provide
    Arbitrary<Integer> cpuIds() {
        return Arbitraries.integers().between(0, CpuSet.MAX_CPU);
    }

    @Provide
    Arbitrary<CpuSet> cpuSets() {
        Arbitrary<Integer> dense = Arbitraries.integers().between(0, 200);
        Arbitrary<Integer> anywhere = cpuIds();
        return Arbitraries.oneOf(
                        dense.set().ofMaxSize(64),
                        anywhere.set().ofMaxSize(64),
                        Combinators.combine(cpuIds(), Arbitraries.integers().between(0, 600))
                                .as((start, length) -> rangeModel(start, Math.min(CpuSet.MAX_CPU, start + length))))
                .map(CpuSet::of);
    }

    @Provide
    Arbitrary<List<CpuSet>> cpuSetLists() {
        return cpuSets().list().ofMaxSize(6);
    }

    /** A cpulist text together with the CPUs it denotes, built token by token from the grammar. */
    record Cpulist(String text, Set<Integer> model) {}

    record Token(String text, Set<Integer> model) {}

    @Provide
    Arbitrary<Cpulist> cpulists() {
        Arbitrary<Token> single = cpuIds().map(n -> new Token(Integer.toString(n), Set.of(n)));
        Arbitrary<Token> range = Combinators.combine(cpuIds(), Arbitraries.integers().between(0, 300))
                .as((start, length) -> {
                    int end = Math.min(CpuSet.MAX_CPU, start + length);
                    return new Token(start + "-" + end, rangeModel(start, end));
                });
        Arbitrary<Token> stride = Combinators.combine(
                        cpuIds(), Arbitraries.integers().between(0, 300),
                        Arbitraries.integers().between(1, 16), Arbitraries.integers().between(0, 16))
                .as((start, length, group, usedRaw) -> {
                    int end = Math.min(CpuSet.MAX_CPU, start + length);
                    int used = Math.min(usedRaw, group);
                    Set<Integer> cpus = new TreeSet<>();
                    for (int cpu = start; cpu <= end; cpu++) {
                        if ((cpu - start) % group < used) {
                            cpus.add(cpu);
                        }
                    }
                    return new Token(start + "-" + end + ":" + used + "/" + group, cpus);
                });
        Arbitrary<String> blanks = Arbitraries.of("", " ", "\n", "\t", " \n");
        return Combinators.combine(Arbitraries.oneOf(single, range, stride).list().ofMaxSize(8), blanks, blanks)
                .as((tokens, before, after) -> {
                    Set<Integer> model = new TreeSet<>();
                    tokens.forEach(t -> model.addAll(t.model()));
                    String joined = String.join(",", tokens.stream().map(Token::text).toList());
                    return new Cpulist(before + joined + after, model);
                });
    }

    @Provide
    Arbitrary<String> mutatedCpulists() {
        Arbitrary<Character> noise = Arbitraries.of(
                '-', ',', ':', '/', '0', '9', ' ', '\n', 'a', '+', 'x', '\u0000', '\u00e9');
        Arbitrary<String> mutated = Combinators.combine(
                        cpulists(), Arbitraries.integers().between(0, 40), noise, Arbitraries.integers().between(0, 2))
                .as((list, where, c, how) -> {
                    StringBuilder text = new StringBuilder(list.text());
                    int at = Math.min(where, text.length());
                    switch (how) {
                        case 0 -> text.insert(at, c);
                        case 1 -> {
                            if (at < text.length()) {
                                text.deleteCharAt(at);
                            }
                        }
                        default -> {
                            if (at < text.length()) {
                                text.setCharAt(at, c);
                            }
                        }
                    }
                    return text.toString();
                });
        Arbitrary<String> garbage = Arbitraries.strings().withChars("0123456789-,:/ \nx+").ofMaxLength(40);
        Arbitrary<String> bigNumbers = Arbitraries.longs().between(0, Long.MAX_VALUE).map(n -> "0-" + n);
        return Arbitraries.oneOf(mutated, garbage, bigNumbers);
    }

    private static Set<Integer> rangeModel(int start, int end) {
        Set<Integer> cpus = new TreeSet<>();
        for (int cpu = start; cpu <= end; cpu++) {
            cpus.add(cpu);
        }
        return cpus;
    }

    private static TreeSet<Integer> toModel(CpuSet s) {
        TreeSet<Integer> model = new TreeSet<>();
        s.forEach(model::add);
        return model;
    }

    private static TreeSet<Integer> model(CpuSet a, CpuSet b, String operation) {
        TreeSet<Integer> result = toModel(a);
        switch (operation) {
            case "union" -> result.addAll(toModel(b));
            case "intersection" -> result.retainAll(toModel(b));
            case "difference" -> result.removeAll(toModel(b));
            default -> throw new IllegalArgumentException(operation);
        }
        return result;
    }
}
