package kata.pinning.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The one table of a run, in Markdown: each benchmark with its N, median, min-max and ratio to its
 * floor, followed by the issue's targets and whether this run met them.
 *
 * <p>Floors: the C peer for the affinity calls, the raw-socket client for a QMP round trip, and for a
 * pinning check the sum "one raw QMP round trip + N C {@code sched_setaffinity} calls" at the same N.
 */
final class Report {

    static final String C_SET = "c.set";
    static final String C_GET = "c.get";

    private final Map<String, List<Double>> samples = new LinkedHashMap<>();
    private final Map<String, Double> counts = new LinkedHashMap<>();
    private final Map<String, Stats> stats = new LinkedHashMap<>();
    private final List<String> rows = new ArrayList<>();
    private final List<String> targets = new ArrayList<>();
    private String idleClients;

    /** Adds samples (ns/op) of one benchmark; {@code key} is {@code Class.method[@vcpus]} or a C_ key. */
    void add(String key, List<Double> more) {
        samples.computeIfAbsent(key, k -> new ArrayList<>()).addAll(more);
    }

    /** Adds to a counter, such as a JMH auxiliary counter, summed over rounds. */
    void addCount(String key, double value) {
        counts.merge(key, value, Double::sum);
    }

    /** Records the line of {@link IdleClients}: {@code threads=T heap=B rss=B}. */
    void idleClients(String line) {
        idleClients = line;
    }

    String table() {
        stats.clear();
        samples.forEach((key, values) -> stats.put(key, Stats.of(values)));
        rows.clear();
        targets.clear();
        affinity("set", C_SET, "AffinityBenchmark.librarySet", "AffinityBenchmark.jnaSet");
        affinity("get", C_GET, "AffinityBenchmark.libraryGet", "AffinityBenchmark.jnaGet");
        cpuset();
        placement();
        qmp("QmpBenchmark.", "QMP query-cpus-fast, QEMU", null);
        qmp("InstantQmpBenchmark.", "QMP query-cpus-fast, instant-reply peer", 1.15);
        threadNames();
        kvmSource();
        pinning();
        idle();
        startup();

        StringBuilder out = new StringBuilder();
        out.append("| benchmark | N | median | min-max | ratio to floor |\n");
        out.append("|---|---:|---:|---:|---:|\n");
        rows.forEach(row -> out.append(row).append('\n'));
        out.append("\nTargets:\n");
        targets.forEach(target -> out.append("- ").append(target).append('\n'));
        return out.toString();
    }

    private void affinity(String op, String cKey, String libraryKey, String jnaKey) {
        Stats c = stats.get(cKey);
        if (c == null) {
            return;
        }
        row("affinity " + op + ": C, libc (floor)", "", c, c);
        Stats library = stats.get(libraryKey);
        Stats jna = stats.get(jnaKey);
        if (library != null) {
            row("affinity " + op + ": kata-pinning (FFM)", "", library, c);
        }
        Stats ffm = stats.get("AffinityBenchmark.ffm" + Character.toUpperCase(op.charAt(0)) + op.substring(1));
        if (ffm != null) {
            row("affinity " + op + ": hand-written FFM downcall", "", ffm, c);
        }
        if (jna != null) {
            row("affinity " + op + ": JNA direct mapping", "", jna, c);
        }
        if (op.equals("set") && library != null) {
            target("affinity set at most 1.05x C", ratio(library, c) <= 1.05, ratioText(library, c) + " C");
            if (ffm != null) {
                double gap = ratio(library, c) - ratio(ffm, c);
                target("affinity set within 0.03 of the hand-written FFM downcall", gap <= 0.03,
                        String.format(Locale.ROOT, "%+.2f", gap));
            }
            if (jna != null) {
                target("affinity set ahead of JNA", library.median() < jna.median(),
                        format(library.median()) + " vs " + format(jna.median()));
            }
        }
    }

    private void cpuset() {
        String[][] benchmarks = {
            {"parseRange", "cpuset parse \"0-8191\""},
            {"parseSparse", "cpuset parse 4096 single CPUs"},
            {"union", "cpuset union of two sets"},
            {"unionOfLists", "cpuset parse two lists + union"},
        };
        for (String[] benchmark : benchmarks) {
            Stats s = stats.get("CpuSetBenchmark." + benchmark[0]);
            if (s != null) {
                row(benchmark[1], "8192", s, null);
            }
        }
        Stats union = stats.get("CpuSetBenchmark.union");
        if (union != null) {
            target("union of two 8192-CPU sets under 1 µs", union.median() < 1_000, format(union.median()));
        }
    }

    private void placement() {
        Stats floor = stats.get("PlacementBenchmark.exactRule");
        if (floor == null) {
            return;
        }
        row("placement: exact rule, 1024 vCPUs on 1024 CPUs (floor)", "1024", floor, floor);
        Stats all = stats.get("PlacementBenchmark.fitNumaAllCpus");
        Stats shortUnion = stats.get("PlacementBenchmark.fitNumaShortUnion");
        if (all != null) {
            row("placement: fit + NUMA, 8 nodes, 8192 CPUs", "1024", all, floor);
        }
        if (shortUnion != null) {
            row("placement: fit + NUMA, 8 nodes, 512 of 8192 CPUs", "1024", shortUnion, floor);
        }
        if (all != null && shortUnion != null) {
            double worst = Math.max(all.median(), shortUnion.median());
            target("a plan for 1024 vCPUs over 8 nodes and 8192 CPUs under 1 ms", worst < 1_000_000, format(worst));
        }
    }

    /** A QMP floor: the raw socket against the library; {@code limit} is the target ratio, or null to report only. */
    private void qmp(String prefix, String what, Double limit) {
        boolean met = true;
        List<String> ratios = new ArrayList<>();
        List<String> toTokens = new ArrayList<>();
        for (int n : vcpuCounts(prefix)) {
            Stats raw = stats.get(prefix + "rawSocket@" + n);
            Stats library = stats.get(prefix + "library@" + n);
            if (raw == null) {
                continue;
            }
            row(what + ": raw socket (floor)", n, raw, raw);
            Stats tokens = stats.get(prefix + "rawSocketJsonTokens@" + n);
            if (tokens != null) {
                row(what + ": raw socket + Jackson tokens, no records", n, tokens, raw);
            }
            if (library != null) {
                row(what + ": kata-pinning", n, library, raw);
                met &= limit == null || ratio(library, raw) <= limit;
                ratios.add(ratioText(library, raw) + " at " + n);
                if (tokens != null) {
                    toTokens.add(ratioText(library, tokens) + " at " + n);
                }
            }
        }
        if (ratios.isEmpty()) {
            return;
        }
        if (limit != null) {
            target(what + " at most " + limit + "x the raw socket at every N", met, String.join(", ", ratios));
        } else {
            targets.add(what + ", ratio to the raw socket (reported, no target): " + String.join(", ", ratios));
        }
        if (!toTokens.isEmpty()) {
            targets.add(what + ", ratio to the raw socket + Jackson tokens (reported, no target): "
                    + String.join(", ", toTokens));
        }
    }

    private void idle() {
        if (idleClients == null) {
            return;
        }
        Map<String, Long> values = new LinkedHashMap<>();
        for (String pair : idleClients.split(" ")) {
            String[] kv = pair.split("=");
            values.put(kv[0], Long.parseLong(kv[1]));
        }
        long threads = values.get("threads");
        long heap = values.get("heap");
        rows.add("| " + IdleClients.SANDBOXES + " idle sandboxes: platform threads in the JVM | " + IdleClients.SANDBOXES
                + " | " + threads + " | | |");
        rows.add("| idle sandbox: heap per sandbox (after GC) | " + IdleClients.SANDBOXES + " | "
                + String.format(Locale.ROOT, "%.1f KiB", heap / 1024.0) + " | | |");
        rows.add("| idle sandbox: resident memory per sandbox | " + IdleClients.SANDBOXES + " | "
                + String.format(Locale.ROOT, "%.1f KiB", values.get("rss") / 1024.0) + " | | |");
        target(IdleClients.SANDBOXES + " idle sandboxes use at most 16 platform threads", threads <= 16, threads + " threads");
        target("at most 64 KiB of heap per idle client", heap <= 64 * 1024,
                String.format(Locale.ROOT, "%.1f KiB", heap / 1024.0));
    }

    private void pinning() {
        Stats c = stats.get(C_SET);
        for (int n : vcpuCounts("PinningBenchmark.")) {
            Stats raw = stats.get("QmpBenchmark.rawSocket@" + n);
            Stats check = stats.get("PinningBenchmark.check@" + n);
            Stats taskset = stats.get("PinningBenchmark.tasksetLoop@" + n);
            Stats recheck = stats.get("PinningBenchmark.recheck@" + n);
            Stats floor = raw == null || c == null ? null : raw.plus(c, n);
            if (floor != null) {
                row("pinning check: 1 raw QMP round trip + N C calls (floor)", n, floor, floor);
            }
            if (check != null) {
                row("pinning check: kata-pinning", n, check, floor);
            }
            if (taskset != null) {
                row("pinning check: taskset -p -c per thread", n, taskset, floor);
            }
            if (recheck != null) {
                row("re-check, nothing changed: kata-pinning", n, recheck, floor);
            }
            Double calls = counts.get("PinningBenchmark.recheck@" + n + ":affinitySets");
            Double checks = counts.get("PinningBenchmark.recheck@" + n + ":checks");
            if (calls != null && checks != null && checks > 0) {
                double syscalls = calls / checks;
                rows.add("| re-check, nothing changed: affinity set calls per check | " + n + " | "
                        + String.format(Locale.ROOT, "%.2f", syscalls) + " | | |");
                if (n == 128) {
                    target("a re-check where nothing changed makes no affinity set call", syscalls == 0,
                            String.format(Locale.ROOT, "%.2f per re-check, %.0f re-checks", syscalls, checks));
                }
            }
            if (n == 128 && recheck != null && floor != null) {
                target("re-check with nothing changed at 128 vCPUs at most 0.15x the floor", ratio(recheck, floor) <= 0.15,
                        ratioText(recheck, floor));
            }
            if (n == 128 && check != null && floor != null) {
                target("pinning check at 128 vCPUs at most 1.3x the floor", ratio(check, floor) <= 1.3,
                        ratioText(check, floor));
                if (taskset != null) {
                    target("pinning check at 128 vCPUs at least 100x faster than a taskset loop",
                            ratio(taskset, check) >= 100, ratioText(taskset, check) + " faster");
                }
            }
        }
    }

    private void threadNames() {
        boolean met = true;
        List<String> ratios = new ArrayList<>();
        for (int n : vcpuCounts("ThreadNamesBenchmark.")) {
            Stats bare = stats.get("ThreadNamesBenchmark.bareCommReads@" + n);
            Stats byName = stats.get("ThreadNamesBenchmark.byName@" + n);
            Stats overQmp = stats.get("ThreadNamesBenchmark.overQmp@" + n);
            if (bare == null) {
                continue;
            }
            row("vCPU threads: bare comm reads (floor)", n, bare, bare);
            if (byName != null) {
                row("vCPU threads: kata-pinning by name", n, byName, bare);
                met &= ratio(byName, bare) <= 1.5;
                ratios.add(ratioText(byName, bare) + " at " + n);
            }
            if (overQmp != null) {
                row("vCPU threads: kata-pinning over QMP", n, overQmp, bare);
            }
        }
        if (!ratios.isEmpty()) {
            target("vCPU threads by name at most 1.5x the bare comm reads at every N", met, String.join(", ", ratios));
        }
    }

    /** The kvm source over a proc-shaped file tree, against the thread-name scan of the same tree. */
    private void kvmSource() {
        String prefix = "KvmSourceBenchmark.";
        List<String> first = new ArrayList<>();
        List<String> recheck = new ArrayList<>();
        boolean recheckMet = true;
        for (int n : vcpuCounts(prefix)) {
            Stats names = stats.get(prefix + "threadNamesScan@" + n);
            Stats kvm = stats.get(prefix + "kvmFirstScan@" + n);
            Stats namesAgain = stats.get(prefix + "threadNamesRecheck@" + n);
            Stats kvmAgain = stats.get(prefix + "kvmRecheck@" + n);
            if (names == null || kvm == null || namesAgain == null || kvmAgain == null) {
                continue;
            }
            row("kvm source, file tree: thread-name scan (floor)", n, names, names);
            row("kvm source, file tree: kvm first scan", n, kvm, names);
            row("kvm source, file tree: thread-name re-check (floor)", n, namesAgain, namesAgain);
            row("kvm source, file tree: kvm re-check, nothing changed", n, kvmAgain, namesAgain);
            recheckMet &= ratio(kvmAgain, namesAgain) <= 1.0;
            first.add(ratioText(kvm, names) + " at " + n);
            recheck.add(ratioText(kvmAgain, namesAgain) + " at " + n);
        }
        Stats kvm128 = stats.get(prefix + "kvmFirstScan@128");
        Stats qmp128 = stats.get("QmpBenchmark.library@128");
        if (kvm128 != null && qmp128 != null) {
            target("kvm first scan at 128 vCPUs at most one QMP query-cpus-fast round trip at 128", ratio(kvm128, qmp128) <= 1.0,
                    ratioText(kvm128, qmp128) + " (the tree on disk against a real QEMU's socket)");
        }
        if (!first.isEmpty()) {
            targets.add("kvm first scan against the thread-name scan of the same tree (reported, no target): "
                    + String.join(", ", first));
            target("kvm re-check at most the thread-name re-check at every N", recheckMet, String.join(", ", recheck));
        }
    }

    private TreeSet<Integer> vcpuCounts(String prefix) {
        TreeSet<Integer> counts = new TreeSet<>();
        stats.keySet().stream()
                .filter(key -> key.startsWith(prefix) && key.contains("@"))
                .forEach(key -> counts.add(Integer.parseInt(key.substring(key.indexOf('@') + 1))));
        return counts;
    }

    private void row(String name, Object n, Stats s, Stats floor) {
        rows.add("| " + name + " | " + n + " | " + format(s.median()) + " | " + format(s.min()) + " - "
                + format(s.max()) + " | " + (floor == null ? "" : ratioText(s, floor)) + " |");
    }

    private void target(String name, boolean met, String measured) {
        targets.add(name + ": " + measured + " (" + (met ? "met" : "MISSED") + ")");
    }

    private void startup() {
        Stats floorWall = stats.get(Startup.FLOOR + ".wall");
        Stats cliWall = stats.get(Startup.CLI + ".wall");
        if (floorWall == null || cliWall == null) {
            return;
        }
        Stats floorCpu = stats.get(Startup.FLOOR + ".cpu");
        Stats cliCpu = stats.get(Startup.CLI + ".cpu");
        row("start-up wall: java -version (floor)", "", floorWall, floorWall);
        row("start-up wall: bin/kata-pinning --json cpuset 0-1", "", cliWall, floorWall);
        row("start-up CPU: java -version (floor)", "", floorCpu, floorCpu);
        row("start-up CPU: bin/kata-pinning --json cpuset 0-1", "", cliCpu, floorCpu);
        target("CLI start-up at most 0.25 s wall", cliWall.median() <= 250e6, format(cliWall.median()));
        target("CLI start-up at most 0.35 s CPU", cliCpu.median() <= 350e6, format(cliCpu.median()));
    }

    private static double ratio(Stats s, Stats floor) {
        return s.median() / floor.median();
    }

    private static String ratioText(Stats s, Stats floor) {
        double ratio = ratio(s, floor);
        return String.format(Locale.ROOT, ratio >= 100 ? "%.0fx" : "%.2fx", ratio);
    }

    /** Nanoseconds in the unit that keeps 3 significant digits readable. */
    static String format(double nanos) {
        if (nanos < 1_000) {
            return String.format(Locale.ROOT, "%.0f ns", nanos);
        }
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.2f µs", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
}
