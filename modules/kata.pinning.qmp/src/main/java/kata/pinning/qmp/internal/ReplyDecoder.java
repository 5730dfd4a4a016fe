package kata.pinning.qmp.internal;

import kata.pinning.qmp.QmpProtocolException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;

/**
 * Turns the {@code return} value of a reply into a command's result, reading tokens from a
 * streaming parser: no tree in between unless the result is one.
 *
 * @param <T> the result
 */
@FunctionalInterface
public interface ReplyDecoder<T> {

    /** The result as a tree, for {@code execute}. */
    ReplyDecoder<JsonNode> TREE = parser -> Json.VALUE_READER.readTree(parser);

    /**
     * Reads one value.
     *
     * @param parser positioned on the value's first token; when this returns, on its last token
     * @return the result
     * @throws QmpProtocolException if the value does not have the expected shape; its message
     *                              says what is wrong, and the caller adds the command
     * @throws tools.jackson.core.JacksonException if the tokens are malformed, or do not fit the
     *                                             result (a {@code DatabindException})
     */
    T decode(JsonParser parser) throws QmpProtocolException;

    /**
     * Binds the value to a type with Jackson's data binding, straight from the tokens.
     *
     * @param type the result type, such as a list of records
     * @param <T>  the result
     * @return the decoder
     */
    static <T> ReplyDecoder<T> binding(TypeReference<T> type) {
        ObjectReader reader = Json.VALUE_READER.forType(type);
        return reader::readValue;
    }
}
