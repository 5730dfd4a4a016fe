package kata.pinning.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import kata.pinning.config.ConfigException;
import kata.pinning.cpuset.CpuListFormatException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Turns a failure into an exit code and one line on stderr; the stack trace only with {@code --verbose}. */
final class Failures {

    private static final String PREFIX = "kata-pinning: ";

    private Failures() {
    }

    /**
     * Reports a usage error, from the parser or thrown by a command.
     *
     * @param e the error, whose command line names the command in use
     * @param args the whole command line, searched for {@code --verbose} since parsing may have failed
     * @return {@link KataPinning#BAD_INPUT}
     */
    static int usage(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(PREFIX + firstLine(e.getMessage()) + " (see '"
                + command.getCommandSpec().qualifiedName() + " --help')");
        if (Arrays.asList(args).contains("--verbose")) {
            e.printStackTrace(err);
        }
        err.flush();
        return KataPinning.BAD_INPUT;
    }

    /**
     * Reports an exception thrown by a command.
     *
     * @param e the exception
     * @param command the command that threw it
     * @param verbose whether to print the stack trace
     * @return {@link KataPinning#BAD_INPUT} for bad input, else {@link KataPinning#FAILED}
     */
    static int execution(Exception e, CommandLine command, boolean verbose) {
        PrintWriter err = command.getErr();
        err.println(PREFIX + describe(e));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return isBadInput(e) ? KataPinning.BAD_INPUT : KataPinning.FAILED;
    }

    /** Whether the exception says the input was wrong, rather than that the operation failed. */
    static boolean isBadInput(Throwable e) {
        return e instanceof BadInputException || e instanceof CpuListFormatException || e instanceof ConfigException;
    }

    /** The exception's message on one line, or its type when it has none. */
    static String describe(Throwable e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : firstLine(message);
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
