package dev.kvsjoin.auth;

/** Whether a caller may make one join, and the rule that decided: the {@code auth_rule} of its log line. */
public sealed interface Decision {

    /** The rule that decided, for the log: a rule's name, never a claim's value. */
    String rule();

    /** The join may go ahead; {@code rule} is what admitted the channel, {@code null} when nothing is checked. */
    record Allowed(String rule) implements Decision {
    }

    /** The join is refused before any call; {@code message} tells the caller which rule refused it. */
    record Denied(String rule, String message) implements Decision {
    }
}
