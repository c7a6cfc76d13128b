package dev.kvsjoin.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Strict reading: every limit at its boundary, duplicate keys, surrogates, encodings other than UTF-8. */
class JsonTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String problem(byte[] json) {
        try {
            Json.parse(json);
        } catch (Json.JsonSyntaxException e) {
            return e.getMessage();
        }
        throw new AssertionError("parsed");
    }

    @Test
    void parse_whenNestedExactlyToTheLimit_reads() {
        assertThat(Json.parse(utf8("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH)))).isInstanceOf(List.class);
    }

    @Test
    void parse_whenNestedOneLevelDeeper_namesTheLimit() {
        int depth = Json.MAX_DEPTH + 1;

        assertThat(problem(utf8("{\"a\":".repeat(depth) + "1" + "}".repeat(depth))))
                .startsWith("is nested deeper than 32 levels (line 1, column ");
    }

    @Test
    void parse_whenNumberAtAndBeyondTheLimit_namesTheLimitBeyond() {
        assertThat(Json.parse(utf8("[" + "9".repeat(Json.MAX_NUMBER_DIGITS) + "]"))).isInstanceOf(List.class);
        assertThat(problem(utf8("[" + "9".repeat(Json.MAX_NUMBER_DIGITS + 1) + "]")))
                .startsWith("has a number longer than 64 digits");
        assertThat(problem(utf8("[0." + "9".repeat(Json.MAX_NUMBER_DIGITS) + "]")))
                .startsWith("has a number longer than 64 digits");
    }

    /** Jackson counts UTF-16 units in strings: one for "a", two for an emoji. */
    @ParameterizedTest
    @ValueSource(strings = {"a", "😀"})
    void parse_whenStringAtAndBeyondTheLimitInCharacters_namesTheLimitBeyond(String character) {
        assertThat(Json.parse(utf8("[\"" + character.repeat(Json.MAX_STRING_CHARS) + "\"]")))
                .isInstanceOf(List.class);
        assertThat(problem(utf8("[\"" + character.repeat(Json.MAX_STRING_CHARS + 1) + "\"]")))
                .startsWith("has a string longer than 2097152 characters");
    }

    @Test
    void parse_whenStringFarBeyondTheLimit_namesTheLimit() {
        assertThat(problem(utf8("[\"" + "a".repeat(2 * Json.MAX_STRING_CHARS + 1) + "\"]")))
                .startsWith("has a string longer than 2097152 characters");
    }

    /** Jackson counts UTF-8 bytes in keys: one to four per character. */
    @ParameterizedTest
    @ValueSource(strings = {"a", "é", "€", "😀"})
    void parse_whenKeyAtAndBeyondTheLimitInCharacters_namesTheLimitBeyond(String character) {
        assertThat(Json.parse(utf8("{\"" + character.repeat(Json.MAX_KEY_CHARS) + "\":1}"))).isInstanceOf(Map.class);
        assertThat(problem(utf8("{\"" + character.repeat(Json.MAX_KEY_CHARS + 1) + "\":1}")))
                .startsWith("has a key longer than 16384 characters");
        assertThat(problem(utf8("{\"" + character.repeat(4 * Json.MAX_KEY_CHARS + 1) + "\":1}")))
                .startsWith("has a key longer than 16384 characters");
    }

    @Test
    void parse_whenTokensAtAndBeyondTheLimit_namesTheLimitBeyond() {
        // [ + n values + ] is n + 2 tokens
        int values = Json.MAX_TOKENS - 2;
        assertThat(Json.parse(utf8("[" + "0,".repeat(values - 1) + "0]"))).isInstanceOf(List.class);
        assertThat(problem(utf8("[" + "0,".repeat(values) + "0]"))).startsWith("has more than 100000 tokens");
    }

    @Test
    void parse_whenDocumentAtAndBeyondTheCallersLimit_namesTheLimitAndSize() {
        byte[] exactly = utf8("\"" + "a".repeat(1022) + "\"");

        assertThat(Json.parse(exactly, 1024)).isInstanceOf(String.class);
        assertThat(problem(utf8("[" + "1,".repeat(Json.MAX_DOCUMENT_BYTES / 2) + "1]")))
                .isEqualTo("is larger than 10 MiB (received 10485763 bytes)");
        assertThatThrownBy(() -> Json.parse(utf8("\"" + "a".repeat(1023) + "\""), 1024))
                .hasMessage("is larger than 1024 bytes (received 1025 bytes)");
    }

    @Test
    void parse_whenDuplicateKeyAtAnyDepth_saysWhere() {
        assertThat(problem(utf8("{\"a\":1,\"a\":1}"))).isEqualTo("has a duplicate key (line 1, column 8)");
        assertThat(problem(utf8("[{\"x\":{\"b\":[],\n\"b\":[]}}]"))).isEqualTo("has a duplicate key (line 2, column 1)");
        assertThat(Json.parse(utf8("{\"a\":{\"a\":{\"a\":1}}}"))).isInstanceOf(Map.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\uD800", "\\uDBFF", "\\uDC00", "\\uDFFF", "\\uDC00\\uD800", "x\\uD83D", "\\uD83Dx"})
    void parse_whenUnpairedSurrogateEscape_rejectsInValuesAndKeys(String escape) {
        assertThat(problem(utf8("[\"" + escape + "\"]")))
                .startsWith("has a string with an unpaired surrogate escape");
        assertThat(problem(utf8("{\"" + escape + "\":1}"))).startsWith("has a key with an unpaired surrogate escape");
    }

    @Test
    void parse_whenSurrogatePairEscape_readsTheCharacter() {
        assertThat(Json.parse(utf8("[\"\\uD83D\\uDE00\"]"))).isEqualTo(List.of("😀"));
    }

    @Test
    void parse_whenUtf16OrUtf32_rejectsInsteadOfGuessing() {
        assertThat(problem("{\"a\":1}".getBytes(StandardCharsets.UTF_16BE))).startsWith("is not valid JSON (a NUL byte");
        assertThat(problem("{\"a\":1}".getBytes(StandardCharsets.UTF_16LE))).startsWith("is not valid JSON (a NUL byte");
        assertThat(problem("{\"a\":1}".getBytes(StandardCharsets.UTF_16))).startsWith("is not valid UTF-8");
        assertThat(problem("{\"a\":1}".getBytes(java.nio.charset.Charset.forName("UTF-32"))))
                .startsWith("is not valid JSON (a NUL byte");
    }

    @Test
    void parse_whenUtf8ByteOrderMark_ignoresIt() {
        byte[] json = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'};

        assertThat(Json.parse(json)).isEqualTo(Map.of());
    }

    @Test
    void describe_whenStringOfAstralCharacters_countsCharacters() {
        assertThat(Json.describe("😀".repeat(256))).isEqualTo("a string of 256 characters");
    }
}
