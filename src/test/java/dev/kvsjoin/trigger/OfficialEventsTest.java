package dev.kvsjoin.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kvsjoin.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decoder against the official event types: {@code aws-lambda-java-tests}' {@code EventLoader} reads every
 * sample (the real-format ones in test resources and the project's own {@code events/}) into the class
 * {@code aws-lambda-java-events} has for its trigger, and the decoder must read the same HTTP method, body and
 * base64 flag, or the same EventBridge source, detail type and detail.
 */
class OfficialEventsTest {

    static final ObjectMapper JACKSON = new ObjectMapper();
    static final Path RESOURCES = Path.of("src/test/resources/events");
    static final Path EVENTS = Path.of("events");
    /** Samples the official serializer cannot read, and why (see SOURCES.md). */
    static final Map<String, String> UNREADABLE = Map.of(
            // queryStringParameters holds a placeholder string where the type has a map
            "apigw-rest-v1-proxy.samcli.TEMPLATE.json", "queryStringParameters",
            // EventBridge Scheduler sends detail as a string; ScheduledEvent has a map (aws-lambda-java-libs#479)
            "eventbridge-scheduler-default-payload.dotnet-issue-1864.json", "detail",
            // the same envelope, carrying a batch
            "batch-scheduler.json", "detail");

    static Stream<Path> samples() throws IOException {
        try (Stream<Path> resources = Files.list(RESOURCES); Stream<Path> events = Files.list(EVENTS)) {
            return Stream.concat(resources.toList().stream(), events.toList().stream())
                    .filter(p -> p.toString().endsWith(".json"))
                    .filter(p -> !UNREADABLE.containsKey(p.getFileName().toString()))
                    .sorted()
                    .toList().stream();
        }
    }

    private static Shape shape(Path sample) throws IOException {
        Object event = Json.parse(Files.readAllBytes(sample));
        assertThat(event).as(sample.toString()).isInstanceOf(Map.class);
        return Shape.of((Map<?, ?>) event);
    }

    /** EventLoader looks on the class path first, then in the file system: an absolute path is a file. */
    private static String path(Path sample) {
        return sample.toAbsolutePath().toString();
    }

    /** A value as JSON, so that numbers compare by value whatever their Java type. */
    private static JsonNode tree(Object value) throws IOException {
        return JACKSON.readTree(JACKSON.writeValueAsString(value));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void decoder_whenSampleLoadedAsItsOfficialType_readsTheSameFields(Path sample) throws IOException {
        switch (shape(sample)) {
            case Shape.Http http when http.trigger() == Trigger.HTTP_API -> {
                APIGatewayV2HTTPEvent official = EventLoader.loadApiGatewayHttpEvent(path(sample));
                assertThat(http.method()).isEqualTo(official.getRequestContext().getHttp().getMethod());
                assertThat(http.body()).isEqualTo(official.getBody());
                assertThat(http.base64Flag()).isEqualTo(official.getIsBase64Encoded());
            }
            case Shape.Http http -> {
                APIGatewayProxyRequestEvent official = EventLoader.loadApiGatewayRestEvent(path(sample));
                assertThat(http.method()).isEqualTo(official.getHttpMethod());
                assertThat(http.body()).isEqualTo(official.getBody());
                assertThat(http.base64Flag()).isEqualTo(official.getIsBase64Encoded());
            }
            case Shape.Bus bus -> {
                ScheduledEvent official = EventLoader.loadScheduledEvent(path(sample));
                Map<?, ?> event = (Map<?, ?>) Json.parse(Files.readAllBytes(sample));
                assertThat(event.get("source")).isEqualTo(official.getSource());
                assertThat(event.get("detail-type")).isEqualTo(official.getDetailType());
                assertThat(event.get("id")).isEqualTo(official.getId());
                assertThat(tree(bus.detail())).isEqualTo(tree(official.getDetail()));
            }
            case Shape.Direct direct -> assertThat(direct.request()).as("a request, a task's input or an error output")
                    .isNotEmpty();
            case Shape.Incomplete incomplete -> {
                // The Java-object form of a scheduled event (detailType, not detail-type): the official type reads
                // it without its detail type, which is why the decoder does not take it for an EventBridge event.
                assertThat(sample.getFileName().toString()).contains("NOT-WIRE-FORMAT");
                assertThat(EventLoader.loadScheduledEvent(path(sample)).getDetailType()).isNull();
                assertThat(incomplete.problems()).contains("detail-type: is required");
            }
        }
    }

    @Test
    void samples_whenOfficialSerializerCannotReadThem_areStillDecoded() throws IOException {
        assertThatThrownBy(() -> EventLoader.loadApiGatewayRestEvent(
                path(RESOURCES.resolve("apigw-rest-v1-proxy.samcli.TEMPLATE.json"))))
                .hasStackTraceContaining(UNREADABLE.get("apigw-rest-v1-proxy.samcli.TEMPLATE.json"));
        assertThatThrownBy(() -> EventLoader.loadScheduledEvent(
                path(RESOURCES.resolve("eventbridge-scheduler-default-payload.dotnet-issue-1864.json"))))
                .hasStackTraceContaining(UNREADABLE.get("eventbridge-scheduler-default-payload.dotnet-issue-1864.json"));

        assertThat(shape(RESOURCES.resolve("apigw-rest-v1-proxy.samcli.TEMPLATE.json")))
                .isInstanceOfSatisfying(Shape.Http.class, h -> assertThat(h.trigger()).isEqualTo(Trigger.REST_API));
        assertThat(shape(RESOURCES.resolve("eventbridge-scheduler-default-payload.dotnet-issue-1864.json")))
                .isInstanceOfSatisfying(Shape.Bus.class, b -> assertThat(b.detail()).isEqualTo("{}"));
    }

    @Test
    void samples_coverEveryTrigger() throws IOException {
        List<Object> triggers = samples().map(p -> {
            try {
                return switch (shape(p)) {
                    case Shape.Http http -> http.trigger();
                    case Shape.Bus bus -> bus.trigger();
                    case Shape.Direct direct -> Trigger.DIRECT;
                    case Shape.Incomplete incomplete -> incomplete.trigger();
                };
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).distinct().map(Object.class::cast).toList();

        assertThat(triggers).contains(Trigger.HTTP_API, Trigger.REST_API, Trigger.EVENTBRIDGE, Trigger.DIRECT);
    }
}
