package kata.pinning.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docs/cli.md holds the usage help of every command, as the parser prints it. This test renders it
 * and compares; run it with {@code -Dcli.docs.update=true} to rewrite that part of the file instead.
 */
class CliReferenceTest {

    static final Path DOC = Launcher.ROOT.resolve("docs/cli.md");
    static final String BEGIN = "<!-- usage: generated from the parser by CliReferenceTest; do not edit by hand -->\n";
    static final String END = "<!-- end of usage -->\n";

    @Test
    void docsHoldTheUsageOfEveryCommand() throws Exception {
        String doc = Files.readString(DOC);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertTrue(begin >= 0 && end > begin, DOC + " must hold the markers " + BEGIN + " and " + END);
        String rendered = reference();
        String current = doc.substring(begin + BEGIN.length(), end);
        if (Boolean.getBoolean("cli.docs.update") && !rendered.equals(current)) {
            Files.writeString(DOC, doc.substring(0, begin + BEGIN.length()) + rendered + doc.substring(end));
            return;
        }
        assertEquals(rendered, current, DOC + " is out of date: rerun this test with -Dcli.docs.update=true");
    }

    /** Every command's usage help in a text block under its own heading, in the order of the tree. */
    static String reference() {
        StringBuilder doc = new StringBuilder();
        append(doc, KataPinning.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        return doc.toString();
    }

    private static void append(StringBuilder doc, CommandLine command) {
        if (command.getCommand() instanceof CommandLine.HelpCommand) {
            return;
        }
        doc.append("\n### `").append(command.getCommandSpec().qualifiedName()).append("`\n\n```text\n")
                .append(command.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing()).append("\n```\n");
        command.getSubcommands().values().forEach(sub -> append(doc, sub));
        if (command.getParent() == null) {
            doc.append('\n');
        }
    }
}
