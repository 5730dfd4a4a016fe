package kata.pinning.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import kata.pinning.CpuResources;
import kata.pinning.SandboxStatus.Outcome;
import kata.pinning.SandboxStatus.PinState;
import kata.pinning.config.NumaConfig;
import kata.pinning.config.PinningPolicy;
import kata.pinning.cpuset.CpuSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The persisted sandbox: its JSON form, the round trip, the version 1 files, and what a bad file is told. */
class SnapshotJsonTest {

    private static final SandboxSettings DEFAULTS = new SandboxSettings(false, PinningPolicy.EXACT,
            new NumaConfig(true, List.of("0")), 3);

    private static final Plan PINNED = new Plan(Plan.Effect.PINS, List.of(
            new VcpuPlacement(0, 4101, OptionalInt.of(0), CpuSet.of(0), true),
            new VcpuPlacement(1, 4102, OptionalInt.empty(), CpuSet.of(1), true)), CpuSet.parse("0-1"), "2 of 2");

    @Test
    void writesTheDocumentedJson() {
        SandboxSnapshot snapshot = new SandboxSnapshot(Map.of("c1", CpuResources.parse("0-1", "0")), true,
                CpuSet.parse("0-1"), PINNED, PINNED, Outcome.PLACED, "2 of 2");
        String plan = "{\"effect\":\"PINS\",\"union\":\"0-1\",\"reason\":\"2 of 2\",\"vcpus\":["
                + "{\"index\":0,\"thread\":4101,\"node\":0,\"cpus\":\"0\",\"pinned\":true},"
                + "{\"index\":1,\"thread\":4102,\"node\":null,\"cpus\":\"1\",\"pinned\":true}]}";
        assertEquals("{\"version\":2,\"pinningEnabled\":true,\"policy\":\"fit\",\"numa\":{\"enabled\":false,\"mapping\":[]},"
                + "\"defaultVcpus\":2,\"vmStarted\":true,\"vmmAffinity\":\"0-1\",\"pinState\":\"PINNED\","
                + "\"containers\":{\"c1\":{\"cpus\":\"0-1\",\"mems\":\"0\"}},\"desired\":" + plan + ",\"inForce\":" + plan
                + ",\"outcome\":\"PLACED\",\"reason\":\"2 of 2\"}",
                SnapshotJson.write(new SandboxSettings(true, PinningPolicy.FIT, NumaConfig.DISABLED, 2), snapshot));
    }

    @Test
    void aVersionOneFileReadsWithTheReadersNumaAndVcpusAndItsPinStateForTheKernel() {
        SnapshotJson.Persisted old = SnapshotJson.read("{\"version\":1,\"pinningEnabled\":true,\"policy\":\"fit\","
                + "\"vmStarted\":true,\"vmmAffinity\":\"0-1\",\"pinState\":\"PINNED\","
                + "\"containers\":{\"c1\":{\"cpus\":\"0-1\",\"mems\":\"0\"}}}", DEFAULTS);

        assertEquals(new SandboxSettings(true, PinningPolicy.FIT, DEFAULTS.numa(), 3), old.settings());
        assertEquals(Optional.of(PinState.PINNED), old.legacyPinState());
        assertEquals(Map.of("c1", CpuResources.parse("0-1", "0")), old.snapshot().containers());
        assertEquals(Plan.Effect.NONE, old.snapshot().inForce().effect(), "the plan in force is unknown");
        assertEquals(Outcome.NONE, old.snapshot().outcome());
    }

    @Test
    void aVersionOneFileWrittenBeforePoliciesReadsAsExact() {
        SnapshotJson.Persisted old = SnapshotJson.read("{\"version\":1,\"pinningEnabled\":true,\"vmStarted\":true,"
                + "\"vmmAffinity\":\"0-1\",\"pinState\":\"PINNED\",\"containers\":{}}", DEFAULTS);
        assertEquals(PinningPolicy.EXACT, old.settings().policy());
    }

    @Property
    void readingWhatWasWrittenGivesItBack(@ForAll("settings") SandboxSettings settings,
                                          @ForAll("snapshots") SandboxSnapshot snapshot) {
        SnapshotJson.Persisted read = SnapshotJson.read(SnapshotJson.write(settings, snapshot), DEFAULTS);
        assertEquals(settings, read.settings());
        assertEquals(snapshot, read.snapshot());
        assertEquals(Optional.empty(), read.legacyPinState());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"version":3}                                   | persisted sandbox state: version must be 1 or 2, not 3
            []                                              | persisted sandbox state is not a JSON object
            {"version":1,"pinningEnabled":"yes"}            | persisted sandbox state: pinningEnabled must be true or false, not "yes"
            {"version":1,"pinningEnabled":true,"vmStarted":true,"containers":[]} | persisted sandbox state: containers must be an object, not []
            {"version":1,"pinningEnabled":true,"vmStarted":true,"containers":{"c1":{"cpus":"3-1"}}} | persisted sandbox state: containers.c1.cpus "3-1" is not a cpulist: 
            {"version":1,"pinningEnabled":true,"vmStarted":true,"containers":{"c1":{"mems":1}}} | persisted sandbox state: containers.c1.mems must be a string, not 1
            {"version":1,"pinningEnabled":true,"vmStarted":true,"containers":{}} | persisted sandbox state: vmmAffinity is missing
            {"version":1,"pinningEnabled":true,"policy":"best","vmStarted":true,"vmmAffinity":"0"} | persisted sandbox state: policy must be "exact" or "fit", not "best"
            {"version":1,"containers":{},"pinningEnabled":true,"vmStarted":true,"vmmAffinity":"0","pinState":"ON"} | persisted sandbox state: pinState must be one of [UNPINNED, PINNED, RESET], not "ON"
            {"version":2,"containers":{},"pinningEnabled":true,"vmStarted":true,"vmmAffinity":"0","pinState":"UNPINNED","numa":true} | persisted sandbox state: numa must be an object, not true
            {"version":2,"containers":{},"pinningEnabled":true,"vmStarted":true,"vmmAffinity":"0","pinState":"UNPINNED","numa":{"enabled":false,"mapping":[]},"defaultVcpus":1,"inForce":{"effect":"NONE","union":"","reason":"r","vcpus":[{"index":0,"thread":1,"node":-1,"cpus":"0","pinned":true}]}} | persisted sandbox state: inForce.vcpus[0].node must be null or a node number, not -1
            """)
    void aBadFileIsRejectedNamingTheField(String json, String messageStart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SnapshotJson.read(json, DEFAULTS));
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    }

    @Provide
    Arbitrary<SandboxSettings> settings() {
        Arbitrary<NumaConfig> numa = Combinators.combine(Arbitraries.of(true, false),
                        Arbitraries.of("0", "1", "0-1", "0,2").list().ofMaxSize(3))
                .as(NumaConfig::new);
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(PinningPolicy.class), numa,
                Arbitraries.integers().between(1, 256)).as(SandboxSettings::new);
    }

    @Provide
    Arbitrary<SandboxSnapshot> snapshots() {
        Arbitrary<CpuSet> sets = Arbitraries.integers().between(0, 127).set().ofMaxSize(8).map(CpuSet::of);
        Arbitrary<CpuResources> resources = Combinators.combine(sets, sets).as(CpuResources::new);
        Arbitrary<String> ids = Arbitraries.strings().withChars("abcdef0123456789-_.:/\"\\ é").ofMinLength(1).ofMaxLength(12)
                .filter(id -> !id.isBlank());
        Arbitrary<String> reasons = Arbitraries.strings().ofMaxLength(40);
        Arbitrary<VcpuPlacement> placements = Combinators.combine(Arbitraries.integers().between(0, 255),
                        Arbitraries.integers().between(1, 1 << 22), Arbitraries.integers().between(-1, 3),
                        Arbitraries.integers().between(0, 127), sets, Arbitraries.of(true, false))
                .as((index, tid, node, cpu, mask, pinned) -> new VcpuPlacement(index, tid,
                        node < 0 ? OptionalInt.empty() : OptionalInt.of(node),
                        pinned || mask.isEmpty() ? CpuSet.of(cpu) : mask, pinned));
        Arbitrary<Plan> plans = Combinators.combine(Arbitraries.of(Plan.Effect.class), placements.list().ofMinSize(1).ofMaxSize(4),
                        sets, reasons)
                .as((effect, list, union, reason) -> effect == Plan.Effect.NONE ? Plan.none(reason)
                        : new Plan(effect, list, union, reason));
        return Combinators.combine(Arbitraries.maps(ids, resources).ofMaxSize(5), Arbitraries.of(true, false), sets,
                        plans, plans, Arbitraries.of(Outcome.class), reasons)
                .as(SandboxSnapshot::new);
    }
}
