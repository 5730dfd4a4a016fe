package kata.pinning.qmp.internal;

import java.util.Arrays;
import tools.jackson.databind.node.ObjectNode;

/**
 * A command encoded once, without its id: {@code {"execute":"NAME","arguments":{...}}} missing its
 * closing brace, so that adding {@code ,"id":N}} is one copy. QEMU's monitor reads a command one
 * byte per main-loop iteration, so every byte counts: compact JSON, no id unless another command
 * is in flight, then a small bare number, and no line end after the object. Without the line end,
 * QEMU also exits after {@code quit} with nothing unread, so the reader sees a plain end of
 * stream instead of a connection reset.
 *
 * @param name the command name
 * @param head the encoded command up to its closing brace
 */
public record Command(String name, byte[] head) {

    private static final byte[] ID = ",\"id\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * Encodes a command.
     *
     * @param name      the command name
     * @param arguments its {@code arguments} object, or {@code null} for none
     * @return the command
     */
    public static Command of(String name, ObjectNode arguments) {
        ObjectNode request = Json.MAPPER.createObjectNode().put("execute", name);
        if (arguments != null) {
            request.set("arguments", arguments);
        }
        byte[] bytes = Json.MAPPER.writeValueAsBytes(request);
        return new Command(name, Arrays.copyOf(bytes, bytes.length - 1));
    }

    /** {@return the bytes to send: the command with this id, or with none for {@link ReplyTable#NO_ID}} */
    byte[] withId(long id) {
        if (id == ReplyTable.NO_ID) {
            byte[] out = Arrays.copyOf(head, head.length + 1);
            out[head.length] = '}';
            return out;
        }
        String digits = Long.toString(id);
        byte[] out = Arrays.copyOf(head, head.length + ID.length + digits.length() + 1);
        System.arraycopy(ID, 0, out, head.length, ID.length);
        for (int i = 0; i < digits.length(); i++) {
            out[head.length + ID.length + i] = (byte) digits.charAt(i);
        }
        out[out.length - 1] = '}';
        return out;
    }
}
