package kata.pinning.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import kata.pinning.qmp.internal.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The typed results as Jackson reads them from QEMU's JSON, and the value types' own checks. */
class QmpResultsTest {

    // query-cpus-fast and query-hotpluggable-cpus of QEMU 7.2 with -smp 2,maxcpus=4 -cpu max, plus an
    // "arch" key as QEMU before 6.0 sent it, which must be ignored.
    private static final String CPUS_FAST = """
            [{"thread-id": 9588, "props": {"core-id": 0, "thread-id": 0, "socket-id": 0},
              "qom-path": "/machine/unattached/device[0]", "cpu-index": 0, "target": "x86_64", "arch": "x86"},
             {"thread-id": 9589, "props": {"core-id": 1, "thread-id": 0, "socket-id": 0},
              "qom-path": "/machine/unattached/device[2]", "cpu-index": 1, "target": "x86_64"}]""";
    private static final String HOTPLUGGABLE = """
            [{"props": {"core-id": 3, "thread-id": 0, "socket-id": 0}, "vcpus-count": 1, "type": "max-x86_64-cpu"},
             {"props": {"core-id": 0, "thread-id": 0, "socket-id": 0}, "vcpus-count": 1,
              "qom-path": "/machine/unattached/device[0]", "type": "max-x86_64-cpu"}]""";

    private static <T> T read(String json, TypeReference<T> type) {
        return Json.MAPPER.readValue(json, type);
    }

    private static CpuProps props(int socket, int core, int thread) {
        return new CpuProps(OptionalInt.empty(), OptionalInt.of(socket), OptionalInt.empty(), OptionalInt.of(core), OptionalInt.of(thread));
    }

    @Test
    void readsQueryCpusFastIgnoringUnknownKeys() {
        List<CpuInfoFast> cpus = read(CPUS_FAST, new TypeReference<>() { });

        assertEquals(List.of(
                new CpuInfoFast(0, 9588, "/machine/unattached/device[0]", "x86_64", props(0, 0, 0)),
                new CpuInfoFast(1, 9589, "/machine/unattached/device[2]", "x86_64", props(0, 1, 0))), cpus);
    }

    @Test
    void missingRequiredKeysAreRejectedNotDefaulted() {
        for (String key : List.of("cpu-index", "thread-id", "qom-path", "target")) {
            ObjectNode cpu = (ObjectNode) Json.MAPPER.readTree(CPUS_FAST).get(0);
            cpu.remove(key);
            JacksonException e = assertThrows(JacksonException.class, () -> Json.MAPPER.treeToValue(cpu, CpuInfoFast.class), key);
            assertTrue(e.getMessage().contains("'" + key + "'"), e::getMessage);
        }
    }

    @Test
    void missingPropsBecomeNone() {
        CpuInfoFast cpu = Json.MAPPER.readValue("{\"cpu-index\": 3, \"thread-id\": 77, \"qom-path\": \"/p\", \"target\": \"s390x\"}",
                CpuInfoFast.class);
        assertEquals(CpuProps.NONE, cpu.props());
    }

    @Test
    void readsHotpluggableSlotsAndBuildsDeviceAddArgumentsForAFreeOne() {
        List<HotpluggableCpu> slots = read(HOTPLUGGABLE, new TypeReference<>() { });

        assertFalse(slots.get(0).isPlugged());
        assertTrue(slots.get(1).isPlugged());
        assertEquals("/machine/unattached/device[0]", slots.get(1).qomPath().orElseThrow());
        assertEquals(Map.of("driver", "max-x86_64-cpu", "id", "vcpu3", "socket-id", 0, "core-id", 3, "thread-id", 0),
                slots.get(0).deviceAddArguments("vcpu3"));
        assertEquals(List.of("driver", "id", "socket-id", "core-id", "thread-id"),
                List.copyOf(slots.get(0).deviceAddArguments("vcpu3").keySet()));
        assertThrows(IllegalArgumentException.class, () -> slots.get(0).deviceAddArguments(" "));
    }

    @Test
    void cpuPropsListOnlyThePresentIdsInTopologyOrder() {
        CpuProps all = new CpuProps(OptionalInt.of(1), OptionalInt.of(2), OptionalInt.of(3), OptionalInt.of(4), OptionalInt.of(5));
        assertEquals(List.of("node-id", "socket-id", "die-id", "core-id", "thread-id"), List.copyOf(all.toQmpArguments().keySet()));
        assertEquals(Map.of("socket-id", 0, "core-id", 2, "thread-id", 1), props(0, 2, 1).toQmpArguments());
        assertTrue(CpuProps.NONE.toQmpArguments().isEmpty());
    }

    @Test
    void readsQueryStatus() {
        assertEquals(new QmpStatus("prelaunch", false),
                Json.MAPPER.readValue("{\"status\": \"prelaunch\", \"singlestep\": false, \"running\": false}", QmpStatus.class));
        assertThrows(JacksonException.class, () -> Json.MAPPER.readValue("{\"status\": \"running\"}", QmpStatus.class));
    }

    @Test
    void anEventKeepsItsOwnCopyOfTheData() {
        ObjectNode data = Json.MAPPER.createObjectNode().put("reason", "host-qmp-quit");
        QmpEvent event = new QmpEvent("SHUTDOWN", data, Instant.EPOCH);

        data.put("reason", "changed by the caller");
        ((ObjectNode) event.data()).put("reason", "changed by a listener");

        assertEquals("host-qmp-quit", event.data().path("reason").asString());
        assertThrows(IllegalArgumentException.class, () -> new QmpEvent(" ", data, Instant.EPOCH));
        JsonNode notAnObject = Json.MAPPER.readTree("[1]");
        assertThrows(IllegalArgumentException.class, () -> new QmpEvent("X", notAnObject, Instant.EPOCH));
    }

    @Test
    void greetingFormatsItsVersionAndCopiesItsCapabilities() {
        List<String> capabilities = new java.util.ArrayList<>(List.of("oob"));
        QmpGreeting greeting = new QmpGreeting(7, 2, 22, "", capabilities);
        capabilities.add("later");

        assertEquals("7.2.22", greeting.version());
        assertEquals(List.of("oob"), greeting.capabilities());
        assertThrows(IllegalArgumentException.class, () -> new QmpGreeting(7, -1, 0, "", List.of()));
    }

    @Test
    void commandExceptionsNameTheCommandClassAndDescription() {
        QmpCommandException e = new QmpCommandException("device_add", "GenericError", "Invalid CPU socket-id");
        assertEquals("QMP command 'device_add' failed: GenericError: Invalid CPU socket-id", e.getMessage());
    }

    @Test
    void theModuleExportsOnlyTheApiAndOpensItOnlyToJackson() {
        ModuleDescriptor module = QmpClient.class.getModule().getDescriptor();

        assertEquals("kata.pinning.qmp", module.name());
        assertEquals(Set.of("kata.pinning.qmp"), module.exports().stream()
                .filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        assertTrue(module.opens().stream().allMatch(o -> o.targets().equals(Set.of("tools.jackson.databind"))));
    }
}
