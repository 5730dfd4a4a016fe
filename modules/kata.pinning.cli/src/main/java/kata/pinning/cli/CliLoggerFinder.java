package kata.pinning.cli;

import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;

/**
 * Where the libraries' {@link System.Logger} messages go while the command runs: one line each on
 * stderr.
 *
 * <p>Without {@code --verbose} only warnings and errors count, and they are held until the command
 * ends: printed if it succeeded, dropped if it failed, since the command's own error line then says
 * what went wrong and stderr must hold only that line. With {@code --verbose} every message from
 * DEBUG up is printed at once, with its logger's name and stack trace. A command that runs for
 * good, such as the node agent, has nothing to hold them for: it {@linkplain #streaming() streams}
 * them, warnings and errors at once.
 *
 * <p>Installed as the {@link System.LoggerFinder} service by this module's descriptor, so the
 * libraries stay free of any logging dependency and the command decides what the user sees.
 */
public final class CliLoggerFinder extends System.LoggerFinder {

    private static final Object LOCK = new Object();
    private static boolean verbose; // guarded by LOCK
    private static boolean streaming; // guarded by LOCK
    private static final List<String> HELD = new ArrayList<>(); // guarded by LOCK

    /** Creates the finder; called by {@link java.util.ServiceLoader}. */
    public CliLoggerFinder() {
    }

    /**
     * Chooses how much to show, for the command about to run.
     *
     * @param showDebug whether to show debug messages and stack traces at once
     */
    static void configure(boolean showDebug) {
        synchronized (LOCK) {
            verbose = showDebug;
            HELD.clear();
        }
    }

    /** Prints warnings and errors at once from now on, holding nothing back: for a command that never ends. */
    static void streaming() {
        synchronized (LOCK) {
            streaming = true;
            HELD.forEach(System.err::println);
            HELD.clear();
        }
    }

    /** Prints the warnings held back while the command ran, which then succeeded. */
    static void commandSucceeded() {
        synchronized (LOCK) {
            HELD.forEach(System.err::println);
            HELD.clear();
        }
    }

    @Override
    public System.Logger getLogger(String name, Module module) {
        return new StderrLogger(name);
    }

    private record StderrLogger(String name) implements System.Logger {

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            synchronized (LOCK) {
                return level != Level.OFF && level.getSeverity() >= (verbose ? Level.DEBUG : Level.WARNING).getSeverity();
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (isLoggable(level)) {
                write(level, localize(bundle, msg), thrown);
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (isLoggable(level)) {
                String pattern = localize(bundle, format);
                write(level, params == null || params.length == 0 ? pattern : MessageFormat.format(pattern, params), null);
            }
        }

        private void write(Level level, String message, Throwable thrown) {
            synchronized (LOCK) {
                String line = "kata-pinning: " + level.getName().toLowerCase(Locale.ROOT) + (verbose ? " [" + name + "]" : "")
                        + ": " + message + (thrown == null ? "" : " (" + Failures.describe(thrown) + ")");
                if (!verbose && !streaming) {
                    HELD.add(line);
                    return;
                }
                System.err.println(line);
                if (thrown != null) {
                    thrown.printStackTrace(System.err);
                }
            }
        }

        private static String localize(ResourceBundle bundle, String key) {
            return bundle != null && key != null && bundle.containsKey(key) ? bundle.getString(key) : String.valueOf(key);
        }
    }
}
