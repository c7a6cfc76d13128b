package dev.kvsjoin.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of UTF-8 edge cases: every class of ill-formed sequence the Unicode Standard names (table 3-7), and
 * well-formed text of one to four bytes per character.
 */
public final class Utf8Samples {

    private Utf8Samples() {
    }

    /** One ill-formed sequence, of any class. */
    public static Arbitrary<byte[]> malformed() {
        Arbitrary<Integer> tail = Arbitraries.integers().between(0x80, 0xBF);
        return Arbitraries.oneOf(
                // overlong two-byte forms of ASCII (C0 and C1 never start a well-formed sequence): C1 A1 reads as 'a'
                Combinators.combine(Arbitraries.integers().between(0xC0, 0xC1), tail).as(Utf8Samples::pair),
                // overlong three-byte forms (E0 followed by 80..9F)
                Combinators.combine(Arbitraries.integers().between(0x80, 0x9F), tail)
                        .as((b, c) -> bytes(0xE0, b, c)),
                // overlong four-byte forms (F0 followed by 80..8F)
                Combinators.combine(Arbitraries.integers().between(0x80, 0x8F), tail, tail)
                        .as((b, c, d) -> bytes(0xF0, b, c, d)),
                // UTF-16 surrogates encoded in UTF-8 (ED followed by A0..BF), as CESU-8 does
                Combinators.combine(Arbitraries.integers().between(0xA0, 0xBF), tail)
                        .as((b, c) -> bytes(0xED, b, c)),
                // above U+10FFFF: F4 followed by 90..BF, or a lead byte F5..F7
                Combinators.combine(Arbitraries.integers().between(0x90, 0xBF), tail, tail)
                        .as((b, c, d) -> bytes(0xF4, b, c, d)),
                Combinators.combine(Arbitraries.integers().between(0xF5, 0xF7), tail, tail, tail)
                        .as(Utf8Samples::quad),
                // bytes that never occur in UTF-8
                Arbitraries.integers().between(0xF8, 0xFF).map(Utf8Samples::single),
                // a continuation byte with no lead byte
                tail.map(Utf8Samples::single),
                // a well-formed multi-byte sequence cut short
                Combinators.combine(wellFormedNonAscii(), Arbitraries.integers().between(1, 3)).as((cp, cut) -> {
                    byte[] full = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                    return Arrays.copyOf(full, Math.max(1, full.length - cut));
                }));
    }

    /** A code point whose UTF-8 form has two to four bytes, surrogates excluded. */
    public static Arbitrary<Integer> wellFormedNonAscii() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0x80, 0x7FF),
                Arbitraries.integers().between(0x800, 0xFFFF).filter(cp -> cp < 0xD800 || cp > 0xDFFF),
                Arbitraries.integers().between(0x10000, 0x10FFFF),
                Arbitraries.of(0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF));
    }

    /** Any code point but a surrogate, ASCII included. */
    public static Arbitrary<Integer> anyCodePoint() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 0x7F), wellFormedNonAscii());
    }

    public static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private static byte[] pair(Integer a, Integer b) {
        return bytes(new int[] {a, b});
    }

    private static byte[] quad(Integer a, Integer b, Integer c, Integer d) {
        return bytes(new int[] {a, b, c, d});
    }

    private static byte[] single(Integer a) {
        return bytes(new int[] {a});
    }
}
