package kata.pinning.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import kata.pinning.CpuResources;
import kata.pinning.SandboxStatus.PinState;
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

/** The persisted sandbox state: its JSON form, the round trip, and what a bad file is told. */
class PersistedStateTest {

    @Test
    void writesTheDocumentedJson() {
        PersistedState state = new PersistedState(true, PinningPolicy.FIT, true, CpuSet.parse("0-1"), PinState.PINNED,
                Map.of("c1", CpuResources.parse("0-1", "0")));
        assertEquals("{\"version\":1,\"pinningEnabled\":true,\"policy\":\"fit\",\"vmStarted\":true,\"vmmAffinity\":\"0-1\","
                + "\"pinState\":\"PINNED\",\"containers\":{\"c1\":{\"cpus\":\"0-1\",\"mems\":\"0\"}}}", state.toJson());
    }

    @Test
    void aStateWrittenBeforePoliciesReadsAsExact() {
        PersistedState old = PersistedState.fromJson("{\"version\":1,\"pinningEnabled\":true,\"vmStarted\":true,"
                + "\"vmmAffinity\":\"0-1\",\"pinState\":\"PINNED\",\"containers\":{}}");
        assertEquals(PinningPolicy.EXACT, old.policy());
    }

    @Property
    void readingWhatWasWrittenGivesItBack(@ForAll("states") PersistedState state) {
        assertEquals(state, PersistedState.fromJson(state.toJson()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"version":2}                                   | persisted sandbox state: version must be 1, not 2
            []                                              | persisted sandbox state is not a JSON object
            {"version":1,"containers":[]}                   | persisted sandbox state: containers must be an object, not []
            {"version":1,"containers":{"c1":{"cpus":"3-1"}}} | persisted sandbox state: containers.c1.cpus "3-1" is not a cpulist: 
            {"version":1,"containers":{"c1":{"mems":1}}}    | persisted sandbox state: containers.c1.mems must be a string, not 1
            {"version":1,"containers":{},"pinningEnabled":"yes"} | persisted sandbox state: pinningEnabled must be true or false, not "yes"
            {"version":1,"containers":{},"pinningEnabled":true,"vmStarted":true} | persisted sandbox state: vmmAffinity is missing
            {"version":1,"containers":{},"pinningEnabled":true,"policy":"best","vmStarted":true,"vmmAffinity":"0"} | persisted sandbox state: policy must be "exact" or "fit", not "best"
            {"version":1,"containers":{},"pinningEnabled":true,"vmStarted":true,"vmmAffinity":"0","pinState":"ON"} | persisted sandbox state: pinState must be one of [UNPINNED, PINNED, RESET], not "ON"
            """)
    void aBadFileIsRejectedNamingTheField(String json, String messageStart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PersistedState.fromJson(json));
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    }

    @Provide
    Arbitrary<PersistedState> states() {
        Arbitrary<CpuSet> sets = Arbitraries.integers().between(0, 127).set().ofMaxSize(8).map(CpuSet::of);
        Arbitrary<CpuResources> resources = Combinators.combine(sets, sets).as(CpuResources::new);
        Arbitrary<String> ids = Arbitraries.strings().withChars("abcdef0123456789-_.:/\"\\ é").ofMinLength(1).ofMaxLength(12)
                .filter(id -> !id.isBlank());
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(PinningPolicy.class),
                        Arbitraries.of(true, false), sets,
                        Arbitraries.of(PinState.class), Arbitraries.maps(ids, resources).ofMaxSize(5))
                .as(PersistedState::new);
    }
}
