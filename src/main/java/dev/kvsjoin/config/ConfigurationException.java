package dev.kvsjoin.config;

import java.util.List;

/** The environment holds invalid settings; the message lists each variable and its rule, never its value. */
public final class ConfigurationException extends RuntimeException {

    ConfigurationException(List<String> problems) {
        super("invalid configuration: " + String.join("; ", problems), null, false, false);
    }
}
