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

    /**
     * Returns the problem with {@code raw}, or {@code null} when it is a valid client id. Lengths and positions count
     * characters (Unicode code points), as a person would.
     */
    static String problem(String raw) {
        if (raw.isEmpty()) {
            return FIELD + ": must not be empty";
        }
        int characters = raw.codePointCount(0, raw.length());
        if (characters > MAX_LENGTH) {
            return FIELD + ": must be at most " + MAX_LENGTH + " characters (received " + characters + ")";
        }
        int position = 1;
        for (int i = 0; i < raw.length(); i += Character.charCount(raw.codePointAt(i)), position++) {
            if (!allowed(raw.codePointAt(i))) {
                return FIELD + ": may contain only letters, digits, '_', '.' and '-' (received "
                        + characters + " characters, the first one not allowed at position " + position + ")";
            }
        }
        return null;
    }

    private static boolean allowed(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == '-';
    }

    @Override
    public String toString() {
        return value;
    }
}
