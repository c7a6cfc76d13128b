package dev.kvsjoin.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class SoakTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Options.Soak soak(int invocations, int channels, Options.Soak.Order order) {
        return new Options.Soak(invocations, 10, channels, List.of("us-west-2", "eu-west-1"), order, 7);
    }

    @Test
    void channels_whenMoreChannelsThanRegions_assignsRegionsInTurn() {
        List<String> arns = Soak.channels(3, List.of("us-west-2", "eu-west-1"));

        assertThat(arns).containsExactly(
                "arn:aws:kinesisvideo:us-west-2:123456789012:channel/soak-000/1700000000000",
                "arn:aws:kinesisvideo:eu-west-1:123456789012:channel/soak-001/1700000000001",
                "arn:aws:kinesisvideo:us-west-2:123456789012:channel/soak-002/1700000000002");
    }

    @Test
    void sequence_whenCycle_visitsEveryChannelInTurn() {
        int[] sequence = Soak.sequence(soak(6, 3, Options.Soak.Order.CYCLE));

        assertThat(sequence).containsExactly(0, 1, 2, 0, 1, 2, 0);
    }

    @Test
    void sequence_whenRandom_isRepeatableAndSpreadOverEveryChannel() {
        int[] first = Soak.sequence(soak(5000, 200, Options.Soak.Order.RANDOM));
        int[] again = Soak.sequence(soak(5000, 200, Options.Soak.Order.RANDOM));

        assertThat(first).hasSize(5001).isEqualTo(again);
        assertThat(Arrays.stream(first).distinct().count()).isEqualTo(200);
        assertThat(Arrays.stream(first).allMatch(c -> c >= 0 && c < 200)).isTrue();
    }

    @Test
    void readingPoints_whenSoakOfFiveThousand_readsBothWindowsEndsAndEveryTwentieth() {
        assertThat(Soak.readingPoints(5000, 1000))
                .contains(0, 1000, 4000, 5000, 250, 4750)
                .hasSize(21);
    }

    @Test
    void event_whenChannelGiven_isTheHttpApiEventWithThatBody() throws IOException {
        byte[] template = Files.readAllBytes(Path.of(ColdStartBenchmark.EVENT));
        String arn = "arn:aws:kinesisvideo:eu-west-1:123456789012:channel/soak-001/1700000000001";

        JsonNode event = JSON.readTree(Soak.event(template, arn, "soak-viewer-001"));

        JsonNode body = JSON.readTree(event.path("body").asText());
        assertThat(body.path("channelArn").asText()).isEqualTo(arn);
        assertThat(body.path("clientId").asText()).isEqualTo("soak-viewer-001");
        assertThat(event.path("headers").path("content-length").asText())
                .isEqualTo(Integer.toString(event.path("body").asText().length()));
        assertThat(event.path("requestContext").path("http").path("method").asText()).isEqualTo("POST");
    }

    @Test
    void accepted_whenTheServerCreatesEngines_countsEach() throws Exception {
        SSLContext plain = SSLContext.getInstance("TLS");
        plain.init(null, null, null);
        CountingTls counting = new CountingTls(plain);

        counting.context().createSSLEngine("127.0.0.1", 443);
        counting.context().createSSLEngine();

        assertThat(counting.accepted()).isEqualTo(2);
        assertThat(counting.context().getProtocol()).isEqualTo(plain.getProtocol());
    }
}
