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
    public static final CpuListDecoder FAST = new CpuListDecoder("cpu-index", "thread-id", "qom-path", "target");

    /**
     * {@code query-cpus} (QEMU before 6.0, StratoVirt): {@code CPU}, {@code thread_id},
     * {@code qom_path}, and {@code arch} (such as {@code x86}) as the target.
     */
    public static final CpuListDecoder LEGACY = new CpuListDecoder("CPU", "thread_id", "qom_path", "arch");

    private final String indexKey;
    private final String threadKey;
    private final String qomPathKey;
    private final String targetKey;

    private CpuListDecoder(String indexKey, String threadKey, String qomPathKey, String targetKey) {
        this.indexKey = indexKey;
        this.threadKey = threadKey;
        this.qomPathKey = qomPathKey;
        this.targetKey = targetKey;
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
            if (name.equals(indexKey)) {
                index = nonNegativeInt(parser, name);
            } else if (name.equals(threadKey)) {
                thread = nonNegativeInt(parser, name);
            } else if (name.equals(qomPathKey)) {
                qomPath = string(parser, name);
            } else if (name.equals(targetKey)) {
                target = string(parser, name);
            } else if (name.equals("props") && value == JsonToken.START_OBJECT) {
                props = props(parser);
            } else {
                parser.skipChildren();
            }
        }
        require(index >= 0, indexKey);
        require(thread >= 0, threadKey);
        require(qomPath != null, qomPathKey);
        require(target != null, targetKey);
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
