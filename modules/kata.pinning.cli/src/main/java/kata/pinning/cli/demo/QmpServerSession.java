package kata.pinning.cli.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One QMP connection to an {@link EmbeddedVmm}: the greeting, capabilities negotiation, then one
 * reply line per command, carrying the command's {@code id} when it had one.
 */
final class QmpServerSession {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final EmbeddedVmm vmm;
    private final SocketChannel channel;
    private final OutputStream out;
    private boolean negotiated;

    QmpServerSession(EmbeddedVmm vmm, SocketChannel channel) {
        this.vmm = vmm;
        this.channel = channel;
        this.out = Channels.newOutputStream(channel);
    }

    /**
     * Serves the connection until the client closes it or {@code quit} ends the VMM. Like QEMU, it
     * reads a stream of JSON objects, with or without line ends between them. Unlike QEMU, it does
     * not resynchronize after malformed JSON: it answers with an error and closes the connection.
     */
    void run() throws IOException {
        send(greeting()); // before reading: the reader blocks until the client's first command
        try {
            // The channel stays open after a parse error, for the error reply; the accept loop closes it.
            MappingIterator<JsonNode> requests = JSON.readerFor(JsonNode.class)
                    .without(StreamReadFeature.AUTO_CLOSE_SOURCE)
                    .readValues(Channels.newInputStream(channel));
            while (requests.hasNextValue()) {
                JsonNode request = requests.nextValue();
                JsonNode id = request.isObject() ? request.get("id") : null;
                if (!request.isObject() || !request.path("execute").isString()) {
                    send(error(id, "GenericError", "QMP input must be a JSON object with a string member 'execute'"));
                } else if (!handle(request.path("execute").stringValue(), request.path("arguments"), id)) {
                    return;
                }
            }
        } catch (JacksonIOException e) {
            throw e.getCause(); // the connection failed or was closed, not the JSON
        } catch (JacksonException e) {
            send(error(null, "GenericError", "JSON parse error, " + e.getOriginalMessage()));
        }
    }

    /** Answers one command; returns false once the VMM has quit. */
    private boolean handle(String command, JsonNode arguments, JsonNode id) throws IOException {
        if (!negotiated) {
            if (command.equals("qmp_capabilities")) {
                negotiated = true;
                send(success(id, NODES.objectNode()));
            } else {
                send(error(id, "CommandNotFound", "Expecting capabilities negotiation with 'qmp_capabilities'"));
            }
            return true;
        }
        switch (command) {
            case "qmp_capabilities" ->
                    send(error(id, "CommandNotFound", "Capabilities negotiation is already complete, command ignored"));
            case "query-cpus-fast" -> send(success(id, cpusFast()));
            case "query-hotpluggable-cpus" -> send(success(id, hotpluggableCpus()));
            case "query-status" -> send(success(id, NODES.objectNode().put("running", false).put("status", "prelaunch")));
            case "device_add" -> send(deviceAdd(arguments, id));
            case "quit" -> {
                send(success(id, NODES.objectNode()));
                send(shutdownEvent());
                vmm.close();
                return false;
            }
            default -> send(error(id, "CommandNotFound", "The command " + command + " has not been found"));
        }
        return true;
    }

    private ArrayNode cpusFast() {
        ArrayNode cpus = NODES.arrayNode();
        for (EmbeddedVmm.Vcpu v : sortedVcpus()) {
            ObjectNode cpu = cpus.addObject();
            cpu.put("thread-id", v.threadId());
            cpu.set("props", props(v.index()));
            cpu.put("qom-path", v.qomPath());
            cpu.put("cpu-index", v.index());
            cpu.put("target", "x86_64");
        }
        return cpus;
    }

    /** QEMU lists the slots from the highest socket down, the plugged ones with their QOM path. */
    private ArrayNode hotpluggableCpus() {
        List<EmbeddedVmm.Vcpu> plugged = vmm.vcpus();
        ArrayNode slots = NODES.arrayNode();
        for (int index = vmm.maxVcpus() - 1; index >= 0; index--) {
            ObjectNode slot = slots.addObject();
            slot.set("props", props(index));
            slot.put("vcpus-count", 1);
            int socket = index;
            plugged.stream().filter(v -> v.index() == socket).findFirst()
                    .ifPresent(v -> slot.put("qom-path", v.qomPath()));
            slot.put("type", EmbeddedVmm.CPU_TYPE);
        }
        return slots;
    }

    private ObjectNode deviceAdd(JsonNode arguments, JsonNode id) {
        String driver = arguments.path("driver").asString("");
        if (!driver.equals(EmbeddedVmm.CPU_TYPE)) {
            return error(id, "GenericError", "'" + driver + "' is not a valid device model name");
        }
        if (!arguments.path("socket-id").isInt()) {
            return error(id, "GenericError", "Parameter 'socket-id' is missing or not an integer");
        }
        if (arguments.path("core-id").asInt(0) != 0 || arguments.path("thread-id").asInt(0) != 0) {
            return error(id, "GenericError", "Invalid CPU core-id/thread-id: this VMM has one core per socket");
        }
        JsonNode deviceId = arguments.get("id");
        try {
            vmm.plug(arguments.path("socket-id").intValue(), deviceId == null ? null : deviceId.asString());
        } catch (IllegalArgumentException | IllegalStateException e) {
            return error(id, "GenericError", e.getMessage());
        }
        return success(id, NODES.objectNode());
    }

    private List<EmbeddedVmm.Vcpu> sortedVcpus() {
        return vmm.vcpus().stream().sorted(Comparator.comparingInt(EmbeddedVmm.Vcpu::index)).toList();
    }

    private static ObjectNode props(int socket) {
        return NODES.objectNode().put("core-id", 0).put("thread-id", 0).put("socket-id", socket);
    }

    private static ObjectNode greeting() {
        ObjectNode greeting = NODES.objectNode();
        ObjectNode qmp = greeting.putObject("QMP");
        ObjectNode version = qmp.putObject("version");
        version.putObject("qemu").put("micro", 0).put("minor", 2).put("major", 8);
        version.put("package", "kata-pinning embedded VMM");
        qmp.putArray("capabilities");
        return greeting;
    }

    private static ObjectNode shutdownEvent() {
        Instant now = Instant.now();
        ObjectNode event = NODES.objectNode();
        event.putObject("timestamp").put("seconds", now.getEpochSecond()).put("microseconds", now.getNano() / 1000);
        event.put("event", "SHUTDOWN");
        event.putObject("data").put("guest", false).put("reason", "host-qmp-quit");
        return event;
    }

    private static ObjectNode success(JsonNode id, JsonNode result) {
        ObjectNode reply = NODES.objectNode();
        reply.set("return", result);
        return withId(reply, id);
    }

    private static ObjectNode error(JsonNode id, String errorClass, String description) {
        ObjectNode reply = NODES.objectNode();
        reply.putObject("error").put("class", errorClass).put("desc", description);
        return withId(reply, id);
    }

    private static ObjectNode withId(ObjectNode reply, JsonNode id) {
        if (id != null) {
            reply.set("id", id);
        }
        return reply;
    }

    private void send(ObjectNode message) throws IOException {
        out.write((JSON.writeValueAsString(message) + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
