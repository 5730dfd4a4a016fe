package kata.pinning.qmp.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import kata.pinning.qmp.CpuInfoFast;
import kata.pinning.qmp.CpuProps;
import kata.pinning.qmp.QmpProtocolException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads the vCPU list of {@code query-cpus-fast}, or of the older {@code query-cpus}, token by
 * token into {@link CpuInfoFast} records: the reply that grows with the VM, so it gets a parser of
 * its own rather than data binding. Unknown keys are skipped, as the QMP specification asks.
 */
public final class CpuListDecoder implements ReplyDecoder<List<CpuInfoFast>> {

    /** {@code query-cpus-fast} (QEMU 2.12 and later). */
    public static final CpuListDecoder FAST = new CpuListDecoder(false);

    /**
     * {@code query-cpus} (QEMU before 6.0, StratoVirt): {@code CPU}, {@code thread_id},
     * {@code qom_path}, and {@code arch} (such as {@code x86}) as the target.
     */
    public static final CpuListDecoder LEGACY = new CpuListDecoder(true);

    private static final int OTHER = 0;
    private static final int INDEX = 1;
    private static final int THREAD = 2;
    private static final int QOM_PATH = 3;
    private static final int TARGET = 4;
    private static final int PROPS = 5;

    private final boolean legacy;

    private CpuListDecoder(boolean legacy) {
        this.legacy = legacy;
    }

    /**
     * What a key of a vCPU object holds. A switch hashes the name once, where a chain of
     * {@code equals} compares it with every key: property names are canonical but not interned.
     * The two commands keep apart: QEMU before 6.0 also sends a deprecated {@code arch} in
     * {@code query-cpus-fast}, which is not its {@code target}.
     */
    private int role(String name) {
        if (legacy) {
            return switch (name) {
                case "CPU" -> INDEX;
                case "thread_id" -> THREAD;
                case "qom_path" -> QOM_PATH;
                case "arch" -> TARGET;
                case "props" -> PROPS;
                default -> OTHER;
            };
        }
        return switch (name) {
            case "cpu-index" -> INDEX;
            case "thread-id" -> THREAD;
            case "qom-path" -> QOM_PATH;
            case "target" -> TARGET;
            case "props" -> PROPS;
            default -> OTHER;
        };
    }

    private String key(int role) {
        return switch (role) {
            case INDEX -> legacy ? "CPU" : "cpu-index";
            case THREAD -> legacy ? "thread_id" : "thread-id";
            case QOM_PATH -> legacy ? "qom_path" : "qom-path";
            default -> legacy ? "arch" : "target";
        };
    }

    @Override
    public List<CpuInfoFast> decode(JsonParser parser) throws QmpProtocolException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw new QmpProtocolException("expected an array of vCPUs, got " + parser.currentToken());
        }
        List<CpuInfoFast> cpus = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
            cpus.add(cpu(parser));
        }
        if (token != JsonToken.END_ARRAY) {
            throw new QmpProtocolException("expected an object per vCPU, got " + token);
        }
        return Collections.unmodifiableList(cpus);
    }

    private CpuInfoFast cpu(JsonParser parser) throws QmpProtocolException {
        int index = -1;
        int thread = -1;
        String qomPath = null;
        String target = null;
        CpuProps props = CpuProps.NONE;
        for (String name = parser.nextName(); name != null; name = parser.nextName()) {
            JsonToken value = parser.nextToken();
            switch (role(name)) {
                case INDEX -> index = nonNegativeInt(parser, name);
                case THREAD -> thread = nonNegativeInt(parser, name);
                case QOM_PATH -> qomPath = string(parser, name);
                case TARGET -> target = string(parser, name);
                case PROPS -> {
                    if (value == JsonToken.START_OBJECT) {
                        props = props(parser);
                    } else {
                        parser.skipChildren();
                    }
                }
                default -> parser.skipChildren();
            }
        }
        require(index >= 0, key(INDEX));
        require(thread >= 0, key(THREAD));
        require(qomPath != null, key(QOM_PATH));
        require(target != null, key(TARGET));
        return new CpuInfoFast(index, thread, qomPath, target, props);
    }

    private static CpuProps props(JsonParser parser) throws QmpProtocolException {
        OptionalInt node = OptionalInt.empty();
        OptionalInt socket = OptionalInt.empty();
        OptionalInt die = OptionalInt.empty();
        OptionalInt core = OptionalInt.empty();
        OptionalInt thread = OptionalInt.empty();
        for (String name = parser.nextName(); name != null; name = parser.nextName()) {
            parser.nextToken();
            switch (name) {
                case "node-id" -> node = OptionalInt.of(nonNegativeInt(parser, name));
                case "socket-id" -> socket = OptionalInt.of(nonNegativeInt(parser, name));
                case "die-id" -> die = OptionalInt.of(nonNegativeInt(parser, name));
                case "core-id" -> core = OptionalInt.of(nonNegativeInt(parser, name));
                case "thread-id" -> thread = OptionalInt.of(nonNegativeInt(parser, name));
                default -> parser.skipChildren(); // cluster, book, drawer: other architectures
            }
        }
        return new CpuProps(node, socket, die, core, thread);
    }

    private static int nonNegativeInt(JsonParser parser, String name) throws QmpProtocolException {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT
                || parser.getIntValue() < 0) {
            throw new QmpProtocolException(name + " is not a non-negative int");
        }
        return parser.getIntValue();
    }

    private static String string(JsonParser parser, String name) throws QmpProtocolException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw new QmpProtocolException(name + " is not a string");
        }
        return parser.getString();
    }

    private static void require(boolean present, String name) throws QmpProtocolException {
        if (!present) {
            throw new QmpProtocolException("missing " + name);
        }
    }
}
