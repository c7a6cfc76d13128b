package dev.kvsjoin.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The channels a JWT caller may join, by name: from a claim listing names or patterns, and from OAuth scopes made of a
 * configured prefix and a pattern. A pattern is a channel name ({@code front-door}), a name prefix followed by
 * {@code *} ({@code lobby-*}), or {@code *} alone (every channel); anything else matches nothing. A claim lists
 * patterns separated by spaces or commas; brackets and double quotes around them are ignored, so {@code lobby-1},
 * {@code lobby-1 lobby-2}, {@code lobby-1,lobby-2}, {@code [lobby-1 lobby-2]} (how an HTTP API hands on a JSON array
 * claim) and {@code ["lobby-1","lobby-2"]} all read as expected; a claim that is a JSON array of strings works too.
 * No pattern, no channel.
 */
public record ChannelRules(List<String> claimPatterns, List<String> scopePatterns) {

    /** A channel name (the storage model's) with an optional trailing {@code *}, or {@code *} alone. */
    static final Pattern VALID = Pattern.compile("\\*|[a-zA-Z0-9_.-]+\\*?");
    private static final Pattern SEPARATORS = Pattern.compile("[\\s,\\[\\]\"]+");
    /** Patterns read from one claim or scope list at most: far more than a token holds, and a bound on the work. */
    static final int MAX_PATTERNS = 1000;

    /** What admitted a channel: the claim, a scope, or nothing. */
    public enum Grant { CLAIM, SCOPE, NONE }

    public ChannelRules {
        claimPatterns = List.copyOf(claimPatterns);
        scopePatterns = List.copyOf(scopePatterns);
    }

    /** Reads the rules from a claim value and the caller's scopes; only valid patterns are kept. */
    public static ChannelRules of(Object claim, List<String> scopes, String scopePrefix) {
        List<String> fromClaim = new ArrayList<>();
        for (String entry : entries(claim)) {
            add(fromClaim, entry);
        }
        List<String> fromScopes = new ArrayList<>();
        for (String scope : scopes) {
            if (scope.startsWith(scopePrefix)) {
                add(fromScopes, scope.substring(scopePrefix.length()));
            }
        }
        return new ChannelRules(fromClaim, fromScopes);
    }

    /** Which rule admits {@code channel}: the claim first, then the scopes. */
    public Grant admits(String channel) {
        if (claimPatterns.stream().anyMatch(p -> matches(p, channel))) {
            return Grant.CLAIM;
        }
        return scopePatterns.stream().anyMatch(p -> matches(p, channel)) ? Grant.SCOPE : Grant.NONE;
    }

    /** Whether {@code pattern} (valid) matches {@code channel}. */
    static boolean matches(String pattern, String channel) {
        return pattern.endsWith("*")
                ? channel.startsWith(pattern.substring(0, pattern.length() - 1))
                : channel.equals(pattern);
    }

    /** The entries of a claim or scope list: a string split at separators, or an array's strings. */
    static List<String> entries(Object value) {
        List<String> entries = new ArrayList<>();
        if (value instanceof String text) {
            for (String entry : SEPARATORS.split(text)) {
                if (!entry.isEmpty() && entries.size() < MAX_PATTERNS) {
                    entries.add(entry);
                }
            }
        } else if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof String text && entries.size() < MAX_PATTERNS) {
                    entries.addAll(entries(text));
                }
            }
        }
        return entries.size() > MAX_PATTERNS ? entries.subList(0, MAX_PATTERNS) : entries;
    }

    private static void add(List<String> patterns, String entry) {
        if (patterns.size() < MAX_PATTERNS && VALID.matcher(entry).matches()) {
            patterns.add(entry);
        }
    }
}
