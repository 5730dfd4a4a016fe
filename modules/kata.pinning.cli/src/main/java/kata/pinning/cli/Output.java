package kata.pinning.cli;

import java.io.PrintWriter;
import java.util.function.Supplier;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prints a command's result: one JSON document with {@code --json}, else text for people.
 *
 * @param out where results go
 * @param json whether to print JSON
 */
record Output(PrintWriter out, boolean json) {

    /** Serializes the result records, whose packages are opened to Jackson; components in declaration order. */
    static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .defaultPrettyPrinter(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectNameValueSpacing(Separators.Spacing.AFTER)
                    .withArrayEmptySeparator("")
                    .withObjectEmptySeparator(""))
                    .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE))
            .build();

    /**
     * Prints the result.
     *
     * @param document the JSON form: a record, list or map of them
     * @param text the text form, built only when needed; may span lines
     */
    void print(Object document, Supplier<String> text) {
        out.println(json ? JSON.writeValueAsString(document) : text.get());
        out.flush();
    }
}
