package kata.pinning.cli;

import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * Where the libraries' {@link System.Logger} messages go while the command runs: one line each on
 * stderr, warnings and errors only unless {@code --verbose} asks for debug messages and stack traces.
 *
 * <p>Installed as the {@link System.LoggerFinder} service by this module's descriptor, so the
 * libraries stay free of any logging dependency and the command decides what the user sees.
 */
public final class CliLoggerFinder extends System.LoggerFinder {

    private static volatile boolean verbose;

    /** Creates the finder; called by {@link java.util.ServiceLoader}. */
    public CliLoggerFinder() {
    }

    /**
     * Chooses how much to show.
     *
     * @param showDebug whether to show debug messages and stack traces
     */
    static void configure(boolean showDebug) {
        verbose = showDebug;
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
            return level != Level.OFF && level.getSeverity() >= (verbose ? Level.DEBUG : Level.WARNING).getSeverity();
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
            String where = verbose ? " [" + name + "]" : "";
            System.err.println("kata-pinning: " + level.getName().toLowerCase(java.util.Locale.ROOT) + where + ": "
                    + message + (thrown == null ? "" : " (" + Failures.describe(thrown) + ")"));
            if (thrown != null && verbose) {
                thrown.printStackTrace(System.err);
            }
        }

        private static String localize(ResourceBundle bundle, String key) {
            return bundle != null && key != null && bundle.containsKey(key) ? bundle.getString(key) : String.valueOf(key);
        }
    }
}
