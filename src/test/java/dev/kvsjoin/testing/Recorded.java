package dev.kvsjoin.testing;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One request that reached an operation, recorded before any check or fault was applied.
 *
 * @param headers header names in lower case, in name order
 * @param region the region of the SigV4 credential scope, or {@code ""} when the request carries none
 */
public record Recorded(
        Operation operation,
        Listener listener,
        String path,
        Map<String, List<String>> headers,
        String body,
        String region) {

    public Recorded {
        Map<String, List<String>> copy = new TreeMap<>();
        headers.forEach((name, values) -> copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        headers = Collections.unmodifiableMap(copy);
    }

    /** The first value of a header, by case-insensitive name. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
}
