package kata.pinning.qmp.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import kata.pinning.qmp.CpuInfoFast;
import kata.pinning.qmp.CpuProps;
import kata.pinning.qmp.QmpProtocolException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.sym.PropertyNameMatcher;
import tools.jackson.core.util.Named;

/**
 * Reads the vCPU list of {@code query-cpus-fast}, or of the older {@code query-cpus}, token by
 * token into {@link CpuInfoFast} records: the reply that grows with the VM, so it gets a parser of
 * its own rather than data binding. Unknown keys are skipped, as the QMP specification asks.
 * Keys are matched on the message's bytes, and the target string, the same for every vCPU, is made
 * once: at 128 vCPUs that leaves Jackson's tokenizer as most of the cost.
 */
public final class CpuListDecoder implements ReplyDecoder<List<CpuInfoFast>> {

    /** The keys of a vCPU object: a key's index in this list is its role. */
    private static final int INDEX = 0;
    private static final int THREAD = 1;
    private static final int QOM_PATH = 2;
    private static final int TARGET = 3;
    private static final int PROPS = 4;
    private static final List<String> FAST_KEYS = List.of("cpu-index", "thread-id", "qom-path", "target", "props");
    /** The two commands keep apart: QEMU before 6.0 also sends a deprecated {@code arch} in {@code query-cpus-fast}. */
    private static final List<String> LEGACY_KEYS = List.of("CPU", "thread_id", "qom_path", "arch", "props");

    private static final int NODE = 0;
    private static final int SOCKET = 1;
    private static final int DIE = 2;
    private static final int CORE = 3;
    private static final int PROPS_THREAD = 4;
    private static final PropertyNameMatcher PROPS_KEYS = matcher(List.of("node-id", "socket-id", "die-id", "core-id", "thread-id"));

    /** The ids QEMU numbers sockets, cores and threads with, boxed once. */
    private static final OptionalInt[] SMALL_IDS = IntStream.range(0, 1024).mapToObj(OptionalInt::of).toArray(OptionalInt[]::new);

    /** {@code query-cpus-fast} (QEMU 2.12 and later). */
    public static final CpuListDecoder FAST = new CpuListDecoder(false);

    /**
     * {@code query-cpus} (QEMU before 6.0, StratoVirt): {@code CPU}, {@code thread_id},
     * {@code qom_path}, and {@code arch} (such as {@code x86}) as the target.
     */
    public static final CpuListDecoder LEGACY = new CpuListDecoder(true);

    private final List<String> keys;
    private final PropertyNameMatcher matcher;

    private CpuListDecoder(boolean legacy) {
        this.keys = legacy ? LEGACY_KEYS : FAST_KEYS;
        this.matcher = matcher(keys);
    }

    /**
     * Matches keys straight from the bytes of the message, without making a string of each: the
     * parser looks the key up among these, as Jackson's data binding does for record properties.
     */
    private static PropertyNameMatcher matcher(List<String> names) {
        return Json.MAPPER.tokenStreamFactory().constructNameMatcher(names.stream().map(Named::fromString).toList(), false);
    }

    @Override
    public List<CpuInfoFast> decode(JsonParser parser) throws QmpProtocolException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw new QmpProtocolException("expected an array of vCPUs, got " + parser.currentToken());
        }
        List<CpuInfoFast> cpus = new ArrayList<>();
        String target = null;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
            CpuInfoFast cpu = cpu(parser, target);
            target = cpu.target();
            cpus.add(cpu);
        }
        if (token != JsonToken.END_ARRAY) {
            throw new QmpProtocolException("expected an object per vCPU, got " + token);
        }
        return Collections.unmodifiableList(cpus);
    }

    private CpuInfoFast cpu(JsonParser parser, String lastTarget) throws QmpProtocolException {
        int index = -1;
        int thread = -1;
        String qomPath = null;
        String target = null;
        CpuProps props = CpuProps.NONE;
        for (int key = parser.nextNameMatch(matcher); key != PropertyNameMatcher.MATCH_END_OBJECT;
                key = parser.nextNameMatch(matcher)) {
            JsonToken value = parser.nextToken();
            switch (key) {
                case INDEX -> index = nonNegativeInt(parser, keys.get(key));
                case THREAD -> thread = nonNegativeInt(parser, keys.get(key));
                case QOM_PATH -> qomPath = string(parser, keys.get(key));
                case TARGET -> target = sameString(parser, lastTarget) ? lastTarget : string(parser, keys.get(key));
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
        require(index >= 0, keys.get(INDEX));
        require(thread >= 0, keys.get(THREAD));
        require(qomPath != null, keys.get(QOM_PATH));
        require(target != null, keys.get(TARGET));
        return new CpuInfoFast(index, thread, qomPath, target, props);
    }

    private static CpuProps props(JsonParser parser) throws QmpProtocolException {
        OptionalInt node = OptionalInt.empty();
        OptionalInt socket = OptionalInt.empty();
        OptionalInt die = OptionalInt.empty();
        OptionalInt core = OptionalInt.empty();
        OptionalInt thread = OptionalInt.empty();
        for (int key = parser.nextNameMatch(PROPS_KEYS); key != PropertyNameMatcher.MATCH_END_OBJECT;
                key = parser.nextNameMatch(PROPS_KEYS)) {
            parser.nextToken();
            switch (key) {
                case NODE -> node = id(parser, "node-id");
                case SOCKET -> socket = id(parser, "socket-id");
                case DIE -> die = id(parser, "die-id");
                case CORE -> core = id(parser, "core-id");
                case PROPS_THREAD -> thread = id(parser, "thread-id");
                default -> parser.skipChildren(); // cluster, book, drawer: other architectures
            }
        }
        return new CpuProps(node, socket, die, core, thread);
    }

    private static OptionalInt id(JsonParser parser, String name) throws QmpProtocolException {
        int id = nonNegativeInt(parser, name);
        return id < SMALL_IDS.length ? SMALL_IDS[id] : OptionalInt.of(id);
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

    /**
     * {@return whether the current value is a string equal to {@code previous}} Every vCPU of a VM
     * has the same target, so one string serves them all.
     */
    private static boolean sameString(JsonParser parser, String previous) {
        if (previous == null || parser.currentToken() != JsonToken.VALUE_STRING) {
            return false;
        }
        int length = parser.getStringLength();
        if (length != previous.length()) {
            return false;
        }
        char[] chars = parser.getStringCharacters();
        int offset = parser.getStringOffset();
        for (int i = 0; i < length; i++) {
            if (chars[offset + i] != previous.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static void require(boolean present, String name) throws QmpProtocolException {
        if (!present) {
            throw new QmpProtocolException("missing " + name);
        }
    }
}
