package dev.kvsjoin.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvsjoin.testing.Utf8Samples;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** The strict UTF-8 check, against the JDK's strict decoder as the oracle. */
class Utf8Properties {

    /** The JDK decoder with REPORT: the offset of the first malformed sequence, or -1. */
    static int jdkFirstMalformed(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length * 2 + 2);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            return in.position();
        }
        return decoder.flush(out).isError() ? in.position() : -1;
    }

    @Provide
    Arbitrary<byte[]> bytesBiasedToMultiByte() {
        Arbitrary<Byte> single = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(0x80, 0xFF).map(Integer::byteValue)),
                Tuple.of(1, Arbitraries.integers().between(0x00, 0x7F).map(Integer::byteValue)));
        return single.array(byte[].class).ofMaxSize(24);
    }

    @Property(tries = 2000)
    void firstMalformed_whenAnyBytes_agreesWithTheJdkStrictDecoder(@ForAll("bytesBiasedToMultiByte") byte[] bytes) {
        assertThat(Utf8.firstMalformed(bytes)).isEqualTo(jdkFirstMalformed(bytes));
    }

    @Provide
    Arbitrary<byte[]> malformed() {
        return Utf8Samples.malformed();
    }

    @Provide
    Arbitrary<String> text() {
        return Utf8Samples.anyCodePoint().list().ofMaxSize(20)
                .map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()));
    }

    @Property(tries = 1000)
    void firstMalformed_whenIllFormedSequenceBetweenWellFormedText_pointsAtIt(
            @ForAll("text") String before, @ForAll("malformed") byte[] malformed, @ForAll("text") String after) {
        byte[] head = before.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(head);
        all.writeBytes(malformed);
        all.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        byte[] bytes = all.toByteArray();

        assertThat(jdkFirstMalformed(malformed)).as("the sample is ill-formed for the JDK too").isZero();
        assertThat(Utf8.firstMalformed(bytes)).isEqualTo(head.length).isEqualTo(jdkFirstMalformed(bytes));
    }

    @Property(tries = 1000)
    void firstMalformed_whenWellFormedText_findsNothing(@ForAll("text") String text) {
        assertThat(Utf8.firstMalformed(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    }
}
