package kata.pinning.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command tree in this JVM, for tests of parsing and help that need no separate process. */
final class InProcess {

    private InProcess() {
    }

    /**
     * What a run printed and returned.
     *
     * @param exitCode the exit code
     * @param stdout what went to the command's out
     * @param stderr what went to the command's err
     */
    record Result(int exitCode, String stdout, String stderr) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = KataPinning.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
