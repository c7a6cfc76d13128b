package dev.kvsjoin.auth;

import java.nio.charset.StandardCharsets;

/**
 * A caller's subject in client id form, and which client ids belong to it. Letters, digits and {@code -} stay as they
 * are; every other character, {@code _} and {@code .} included, becomes {@code _} and two upper-case hex digits per
 * UTF-8 byte: {@code AROA3XFRBF23:alice} becomes {@code AROA3XFRBF23_3Aalice}. The form is injective (two subjects
 * never share it) and holds no {@code .}, so a client id's owner is the part before its first {@code .}: with the
 * prefix binding, no caller can use a client id of another.
 */
public final class SubjectIds {

    /** The longest client id Kinesis Video takes. */
    public static final int MAX_CLIENT_ID = 256;
    /** Separates the subject from a viewer's own suffix in the prefix binding. */
    public static final char SEPARATOR = '.';
    private static final char ESCAPE = '_';
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private SubjectIds() {
    }

    /** The subject in client id form, or {@code null} when that is longer than a client id may be. */
    public static String clientIdForm(String subject) {
        StringBuilder form = new StringBuilder(subject.length());
        for (byte b : subject.getBytes(StandardCharsets.UTF_8)) {
            if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-') {
                form.append((char) b);
            } else {
                form.append(ESCAPE).append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
            if (form.length() > MAX_CLIENT_ID) {
                return null;
            }
        }
        return form.toString();
    }

    /** Whether {@code clientId} belongs to the subject whose client id form is {@code form}, by the binding. */
    public static boolean binds(AuthConfig.Binding binding, String form, String clientId) {
        return switch (binding) {
            case NONE -> true;
            case EXACT -> clientId.equals(form);
            case PREFIX -> clientId.equals(form)
                    || (clientId.length() > form.length() + 1 && clientId.startsWith(form)
                    && clientId.charAt(form.length()) == SEPARATOR);
        };
    }
}
