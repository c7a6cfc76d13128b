package dev.kvsjoin.log;

import java.util.Locale;

/** Log levels in Lambda's order; {@code TRACE} and {@code FATAL} map onto their neighbours. */
public enum Level {
    DEBUG, INFO, WARN, ERROR;

    /** Parses a level name as Lambda and Powertools accept it, or returns {@code null}. */
    public static Level parse(String name) {
        return switch (name.strip().toUpperCase(Locale.ROOT)) {
            case "TRACE", "DEBUG" -> DEBUG;
            case "INFO" -> INFO;
            case "WARN", "WARNING" -> WARN;
            case "ERROR", "FATAL" -> ERROR;
            default -> null;
        };
    }
}
