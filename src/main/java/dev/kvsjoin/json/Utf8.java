package dev.kvsjoin.json;

/**
 * Strict UTF-8 well-formedness, by the Unicode Standard's table of well-formed byte sequences (chapter 3, table 3-7):
 * no overlong forms, no encoded surrogates, nothing above U+10FFFF, no truncated sequence. Jackson's parser decodes
 * such bytes leniently (the overlong {@code C1 A1} becomes {@code a}), so every document is checked before it is
 * parsed.
 */
final class Utf8 {

    private Utf8() {
    }

    /** Returns the offset of the first byte of the first ill-formed sequence, or -1 when all of it is well formed. */
    static int firstMalformed(byte[] bytes) {
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int length;
            int secondMin = 0x80;
            int secondMax = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                length = 2;
            } else if (b >= 0xE0 && b <= 0xEF) {
                length = 3;
                if (b == 0xE0) {
                    secondMin = 0xA0;
                } else if (b == 0xED) {
                    secondMax = 0x9F;
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                length = 4;
                if (b == 0xF0) {
                    secondMin = 0x90;
                } else if (b == 0xF4) {
                    secondMax = 0x8F;
                }
            } else {
                return i;
            }
            if (i + length > bytes.length) {
                return i;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < secondMin || second > secondMax) {
                return i;
            }
            for (int k = 2; k < length; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return i;
                }
            }
            i += length;
        }
        return -1;
    }
}
