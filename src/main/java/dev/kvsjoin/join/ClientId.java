package dev.kvsjoin.join;

/** The viewer's client id, valid by construction: 1 to 256 characters of {@code [a-zA-Z0-9_.-]}. */
public record ClientId(String value) {

    static final int MAX_LENGTH = 256;
    static final String FIELD = "clientId";

    public ClientId {
        if (problem(value) != null) {
            throw new IllegalArgumentException(FIELD + ": not validated");
        }
    }

    /** Returns the problem with {@code raw}, or {@code null} when it is a valid client id. */
    static String problem(String raw) {
        if (raw.isEmpty()) {
            return FIELD + ": must not be empty";
        }
        if (raw.length() > MAX_LENGTH) {
            return FIELD + ": must be at most " + MAX_LENGTH + " characters (received " + raw.length() + ")";
        }
        for (int i = 0; i < raw.length(); i++) {
            if (!allowed(raw.charAt(i))) {
                return FIELD + ": may contain only letters, digits, '_', '.' and '-' (received "
                        + raw.length() + " characters, the first one not allowed at position " + (i + 1) + ")";
            }
        }
        return null;
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == '-';
    }

    @Override
    public String toString() {
        return value;
    }
}
