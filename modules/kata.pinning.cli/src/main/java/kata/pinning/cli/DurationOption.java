package kata.pinning.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Reads an interval such as {@code 500ms}, {@code 1s} or {@code 2m}: one line naming the value when it is none. */
final class DurationOption implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern AMOUNT = Pattern.compile("(\\d{1,9})(ms|s|m)");

    @Override
    public Duration convert(String value) {
        Matcher m = AMOUNT.matcher(value);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            Duration interval = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMinutes(amount);
            };
            if (!interval.isZero()) {
                return interval;
            }
        }
        try {
            Duration iso = Duration.parse(value);
            if (!iso.isNegative() && !iso.isZero()) {
                return iso;
            }
        } catch (DateTimeParseException e) {
            // not ISO-8601 either: the message below says what is accepted
        }
        throw new CommandLine.TypeConversionException("'" + value + "' is no interval: give a positive number of "
                + "milliseconds, seconds or minutes, such as 500ms, 1s or 2m");
    }
}
