package kata.pinning.qmp.internal;


import java.lang.System.Logger.Level;
import kata.pinning.qmp.QmpCommandException;
import kata.pinning.qmp.QmpEvent;
import kata.pinning.qmp.QmpProtocolException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.JsonNode;

/**
 * The one routing point of a session: each message read goes to the event hub or to the slot of
 * its command id. It runs on whichever thread reads.
 *
 * <p>A reply is decoded straight from its bytes into the command's result when its id can be
 * found without parsing: QEMU writes {@code "id"} as the reply's last member. Anything else (events,
 * error replies, ids elsewhere) is read into a tree first.
 */
final class Router {

    private static final System.Logger LOG = System.getLogger("kata.pinning.qmp");

    private final String peer;
    private final ReplyTable table;
    private final EventHub events;

    Router(String peer, ReplyTable table, EventHub events) {
        this.peer = peer;
        this.table = table;
        this.events = events;
    }

    /**
     * Routes one message.
     *
     * @throws QmpProtocolException if the message breaks the protocol; the session must close
     */
    void route(Line line) throws QmpProtocolException {
        LOG.log(Level.DEBUG, () -> "<-- " + peer + " " + line.text());
        // Without a trailing id this finds the command sent without id, if one is in flight.
        Slot<?> slot = table.get(TrailingId.of(line.bytes(), line.from(), line.length()));
        if (slot == null || !routeStreaming(slot, line)) {
            routeTree(read(line), line);
        }
    }

    /**
     * Reads a message that arrives before the greeting: an event is published.
     *
     * @return the greeting's {@code QMP} object, or {@code null} for an event or a blank line
     * @throws QmpProtocolException if it is neither
     */
    JsonNode routeBeforeGreeting(Line line) throws QmpProtocolException {
        LOG.log(Level.DEBUG, () -> "<-- " + peer + " " + line.text());
        JsonNode message = read(line);
        if (message == null || message.isMissingNode()) {
            return null;
        }
        if (message.isObject() && message.has("event")) {
            events.publish(event(message, line));
            return null;
        }
        if (!message.path("QMP").isObject()) {
            throw protocolError("something other than the QMP greeting first", line);
        }
        return message.get("QMP");
    }

    /** Decodes a reply for this slot in one pass; {@code false} if it turns out to be something else. */
    private <T> boolean routeStreaming(Slot<T> slot, Line line) throws QmpProtocolException {
        Slot.Outcome<T> outcome = null;
        JsonNode error = null;
        try (JsonParser parser = Json.MAPPER.createParser(line.bytes(), line.from(), line.length())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            for (String name = parser.nextName(); name != null; name = parser.nextName()) {
                parser.nextToken();
                switch (name) {
                    case "return" -> {
                        outcome = decode(slot, parser, line);
                        if (outcome.failure() != null) {
                            deliver(slot, outcome); // the parser stopped inside the value
                            return true;
                        }
                    }
                    case "error" -> error = Json.VALUE_READER.readTree(parser);
                    case "event", "QMP" -> {
                        return false;
                    }
                    case "id" -> {
                        if (slot.id == ReplyTable.NO_ID) {
                            return false; // an id this client did not send
                        }
                        parser.skipChildren();
                    }
                    default -> parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw protocolError("more than one JSON value on a line", line);
            }
        } catch (JacksonException e) {
            throw malformed(e, line);
        }
        if (error != null) {
            outcome = Slot.Outcome.failed(commandError(slot.command, error, line));
        } else if (outcome == null) {
            throw protocolError("a message that is neither a reply nor an event", line);
        }
        deliver(slot, outcome);
        return true;
    }

    private void routeTree(JsonNode message, Line line) throws QmpProtocolException {
        if (message == null || message.isMissingNode()) {
            return; // a blank line
        }
        if (!message.isObject()) {
            throw protocolError("a message that is not a JSON object", line);
        }
        if (message.has("event")) {
            events.publish(event(message, line));
            return;
        }
        JsonNode error = message.get("error");
        JsonNode result = message.get("return");
        if (result == null && error == null) {
            throw protocolError("a message that is neither a reply nor an event", line);
        }
        JsonNode id = message.get("id");
        Slot<?> slot = slotOf(id);
        if (slot == null && id == null) {
            // QEMU leaves the id out only when the command had none, or it could not parse one.
            throw protocolError("a reply without id", line);
        }
        if (error != null) {
            QmpCommandException failure = commandError(slot == null ? "?" : slot.command, error, line);
            if (slot != null) {
                deliver(slot, Slot.Outcome.failed(failure));
                return;
            }
        }
        if (slot == null) {
            LOG.log(Level.WARNING, "dropping QMP reply from {0} with unknown id {1}", peer, id);
            return;
        }
        deliverTree(slot, result, line);
    }

    private Slot<?> slotOf(JsonNode id) {
        if (id == null) {
            return table.get(ReplyTable.NO_ID);
        }
        return id.isIntegralNumber() && id.canConvertToLong() && id.longValue() >= 0 ? table.get(id.longValue()) : null;
    }

    private <T> void deliverTree(Slot<T> slot, JsonNode result, Line line) throws QmpProtocolException {
        try (JsonParser parser = Json.MAPPER.treeAsTokens(result)) {
            parser.nextToken();
            deliver(slot, decode(slot, parser, line));
        }
    }

    /** Decodes a {@code return} value; a result of the wrong shape fails this command only. */
    private static <T> Slot.Outcome<T> decode(Slot<T> slot, JsonParser parser, Line line) {
        try {
            return Slot.Outcome.success(slot.decoder.decode(parser));
        } catch (QmpProtocolException | DatabindException e) {
            return Slot.Outcome.failed(badResult(slot, e, line));
        }
    }

    /** The one way an outcome from the peer reaches a caller: the id is freed, then the caller woken. */
    private <T> void deliver(Slot<T> slot, Slot.Outcome<T> outcome) {
        table.remove(slot);
        if (!slot.settle(outcome)) {
            dropLate(slot);
        }
    }

    private void dropLate(Slot<?> slot) {
        LOG.log(Level.WARNING, "dropping QMP reply from {0} to ''{1}'' (id {2}): its caller gave up",
                peer, slot.command, slot.id);
    }

    private QmpCommandException commandError(String command, JsonNode error, Line line) throws QmpProtocolException {
        if (!(error.path("class").isString() && error.path("desc").isString())) {
            throw protocolError("an error reply without class and desc", line);
        }
        return new QmpCommandException(command, error.get("class").stringValue(), error.get("desc").stringValue());
    }

    private static QmpProtocolException badResult(Slot<?> slot, Exception e, Line line) {
        String why = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
        return new QmpProtocolException("unexpected result of '" + slot.command + "' (" + why + "): "
                + line.excerpt(), e);
    }

    private JsonNode read(Line line) throws QmpProtocolException {
        try {
            return Json.MAPPER.readTree(line.bytes(), line.from(), line.length());
        } catch (JacksonException e) {
            throw malformed(e, line);
        }
    }

    private QmpProtocolException malformed(JacksonException e, Line line) {
        return new QmpProtocolException("malformed JSON from " + peer + " (" + e.getOriginalMessage() + "): "
                + line.excerpt(), e);
    }

    private QmpEvent event(JsonNode message, Line line) throws QmpProtocolException {
        JsonNode name = message.get("event");
        JsonNode data = message.path("data");
        if (!name.isString() || name.stringValue().isBlank() || !(data.isObject() || data.isMissingNode())) {
            throw protocolError("a malformed event", line);
        }
        return new QmpEvent(name.stringValue(), data.isObject() ? data : Json.MAPPER.createObjectNode(),
                Json.instant(message.path("timestamp")));
    }

    private QmpProtocolException protocolError(String what, Line line) {
        return new QmpProtocolException("QMP peer " + peer + " sent " + what + ": " + line.excerpt());
    }
}
