package dev.kvsjoin.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvsjoin.testing.Utf8Samples;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Generated documents: what is within the limits reads back as written; a repeated key anywhere is refused. */
class JsonProperties {

    static final ObjectMapper JACKSON = new ObjectMapper();

    @Provide
    Arbitrary<Object> values() {
        Arbitrary<Object> leaves = Arbitraries.oneOf(
                text(12).map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.of(Boolean.TRUE, Boolean.FALSE),
                Arbitraries.just(null));
        return Arbitraries.recursive(() -> leaves, this::containers, 0, 4);
    }

    private static Arbitrary<String> text(int maxLength) {
        return Utf8Samples.anyCodePoint().list().ofMaxSize(maxLength)
                .map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()));
    }

    private Arbitrary<Object> containers(Arbitrary<Object> inner) {
        return Arbitraries.oneOf(
                inner.list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l)),
                Arbitraries.maps(text(6), inner).ofMaxSize(4)
                        .map(m -> (Object) new LinkedHashMap<>(m)));
    }

    @Property(tries = 500)
    void parse_whenAnyDocumentWithinTheLimits_readsWhatWasWritten(@ForAll("values") Object value) throws Exception {
        byte[] json = JACKSON.writeValueAsBytes(value);

        assertThat(Json.parse(json)).isEqualTo(value);
    }

    @Property(tries = 500)
    void parse_whenAnyObjectRepeatsAKey_rejectsTheDocument(@ForAll("values") Object value,
                                                           @ForAll @IntRange(max = 3) int nesting) throws Exception {
        String inner = JACKSON.writeValueAsString(value);
        String duplicated = "{\"k\":" + inner + ",\"k\":" + inner + "}";
        String document = "[".repeat(nesting) + duplicated + "]".repeat(nesting);

        assertThatThrownBy(() -> Json.parse(document.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(Json.JsonSyntaxException.class).message().startsWith("has a duplicate key (line 1, column ");
    }
}
