package dev.kvsjoin;

import static dev.kvsjoin.testing.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvsjoin.errors.AccessDeniedException;
import dev.kvsjoin.errors.InvalidRequestException;
import dev.kvsjoin.errors.ResourceNotFoundException;
import dev.kvsjoin.errors.UpstreamErrorException;
import dev.kvsjoin.testing.LocalKinesisVideo;
import dev.kvsjoin.testing.LocalS3;
import dev.kvsjoin.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Summing a fleet run from what its Distributed Map's ResultWriter wrote: the manifest, then each result file's child
 * execution records, read with the function's signed GETs from a local stand-in of S3.
 */
class RunSummaryTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String BUCKET = "fleet-results-123";
    static final String PREFIX = "runs/3f1c/";

    private LocalKinesisVideo kvs;
    private LocalS3 s3;
    private JoinHandler handler;
    private final java.util.List<String> lines = new java.util.ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        kvs = LocalKinesisVideo.start();
        s3 = LocalS3.start();
        handler = LocalHandlers.create(kvs, s3.endpoint(), Map.of(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                (line, level) -> lines.add(new String(line, java.nio.charset.StandardCharsets.UTF_8)));
    }

    @AfterEach
    void stop() {
        assertThat(s3.violations()).isEmpty();
        assertThat(kvs.requests()).as("a summary makes no Kinesis Video call").isEmpty();
        s3.close();
        kvs.close();
    }

    private JsonNode summarise(String key) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(utf8("""
                {"MapRunArn":"arn:aws:states:us-west-2:123456789012:mapRun:fleet/map:3f1c",
                 "ResultWriterDetails":{"Bucket":"%s","Key":"%s"}}""".formatted(BUCKET, key))), out,
                TestContext.of("summary"));
        return JSON.readTree(out.toByteArray());
    }

    /** A child execution record as ResultWriter writes it (Transformation NONE): Input and Output as strings. */
    static ObjectNode record(String status, String input, String output, String error) {
        ObjectNode record = JSON.createObjectNode()
                .put("ExecutionArn", "arn:aws:states:us-west-2:123456789012:execution:fleet/map:" + status)
                .put("Input", input)
                .put("Name", "child")
                .put("StartDate", "2026-12-01T07:00:00.000Z")
                .put("StateMachineArn", "arn:aws:states:us-west-2:123456789012:stateMachine:fleet/map")
                .put("Status", status)
                .put("StopDate", "2026-12-01T07:00:01.000Z");
        record.putObject("InputDetails").put("Included", true);
        if (output != null) {
            record.put("Output", output);
            record.putObject("OutputDetails").put("Included", true);
        }
        if (error != null) {
            record.put("Error", error).put("Cause", "a cause");
        }
        return record;
    }

    static String batchInput(int items) {
        ArrayNode list = JSON.createArrayNode();
        for (int i = 0; i < items; i++) {
            list.addObject().put("channelArn", "arn:aws:kinesisvideo:us-west-2:123456789012:channel/c" + i + "/1")
                    .put("clientId", "v");
        }
        ObjectNode input = JSON.createObjectNode();
        input.set("Items", list);
        input.putObject("BatchInput").put("attempt", 1);
        return input.toString();
    }

    private void manifest(String... files) {
        ObjectNode manifest = JSON.createObjectNode().put("DestinationBucket", BUCKET)
                .put("MapRunArn", "arn:aws:states:us-west-2:123456789012:mapRun:fleet/map:3f1c");
        ObjectNode resultFiles = manifest.putObject("ResultFiles");
        for (String status : new String[] {"FAILED", "PENDING", "SUCCEEDED"}) {
            ArrayNode list = resultFiles.putArray(status);
            for (String file : files) {
                if (file.startsWith(status)) {
                    list.addObject().put("Key", PREFIX + file).put("Size", 100);
                }
            }
        }
        s3.put(BUCKET, PREFIX + "manifest.json", manifest.toString());
    }

    @Test
    void summary_whenBatchesSucceededFailedAndPending_sumsEveryItemByReason() throws IOException {
        manifest("SUCCEEDED_0.json", "SUCCEEDED_1.json", "FAILED_0.json", "PENDING_0.json");
        s3.put(BUCKET, PREFIX + "SUCCEEDED_0.json", JSON.createArrayNode()
                .add(record("SUCCEEDED", batchInput(3), "{\"joins\":[],\"counts\":{\"Joined\":3}}", null))
                .add(record("SUCCEEDED", batchInput(3),
                        "{\"joins\":[],\"counts\":{\"Joined\":1,\"Throttled\":1,\"AccessDenied\":1}}", null))
                .toString());
        s3.put(BUCKET, PREFIX + "SUCCEEDED_1.json", JSON.createArrayNode()
                .add(record("SUCCEEDED", batchInput(2), "{\"counts\":{\"InvalidRequest\":2}}", null)).toString());
        s3.put(BUCKET, PREFIX + "FAILED_0.json", JSON.createArrayNode()
                .add(record("FAILED", batchInput(4), null, "States.Timeout")).toString());
        s3.put(BUCKET, PREFIX + "PENDING_0.json", JSON.createArrayNode()
                .add(record("PENDING", batchInput(5), null, null)).toString());

        JsonNode summary = summarise(PREFIX + "manifest.json");

        assertThat(summary.path("complete").asBoolean()).isTrue();
        assertThat(summary.path("counts").toString()).isEqualTo("{\"Joined\":4,\"Throttled\":1,\"AccessDenied\":1,"
                + "\"InvalidRequest\":2,\"States.Timeout\":4,\"NotStarted\":5}");
        assertThat(summary.path("joined").asInt()).isEqualTo(4);
        assertThat(summary.path("failed").asInt()).isEqualTo(13);
        assertThat(summary.path("batches").toString()).isEqualTo("{\"succeeded\":3,\"failed\":1,\"pending\":1}");
        assertThat(summary.path("results").path("bucket").asText()).isEqualTo(BUCKET);
        assertThat(summary.path("mapRunArn").asText()).endsWith(":3f1c");
        assertThat(s3.requests()).containsExactly(BUCKET + "/" + PREFIX + "manifest.json",
                BUCKET + "/" + PREFIX + "SUCCEEDED_0.json", BUCKET + "/" + PREFIX + "SUCCEEDED_1.json",
                BUCKET + "/" + PREFIX + "FAILED_0.json", BUCKET + "/" + PREFIX + "PENDING_0.json");
    }

    @Test
    void summary_whenResultsCannotBeRead_failsWithTheReason() throws IOException {
        assertThatThrownBy(() -> summarise(PREFIX + "manifest.json"))
                .isExactlyInstanceOf(ResourceNotFoundException.class)
                .hasMessage("the fleet run's manifest or a result file was not found");

        s3.put(BUCKET, PREFIX + "manifest.json", "{\"ResultFiles\":{\"SUCCEEDED\":\"not a list\"}}");
        assertThatThrownBy(() -> summarise(PREFIX + "manifest.json"))
                .isExactlyInstanceOf(UpstreamErrorException.class);

        manifest("SUCCEEDED_0.json");
        s3.put(BUCKET, PREFIX + "SUCCEEDED_0.json", "{\"not\":\"an array\"}");
        assertThatThrownBy(() -> summarise(PREFIX + "manifest.json"))
                .isExactlyInstanceOf(UpstreamErrorException.class)
                .hasMessageContaining("not in the Distributed Map's format");

        s3.deny(BUCKET);
        assertThatThrownBy(() -> summarise(PREFIX + "manifest.json"))
                .isExactlyInstanceOf(AccessDeniedException.class);
        JsonNode line = JSON.readTree(lines.get(lines.size() - 1));
        assertThat(line.path("message").asText()).isEqualTo("fleet run not summarised");
        assertThat(line.path("error_code").asText()).isEqualTo("AccessDenied");
        assertThat(line.has("Failed")).as("an S3 refusal counts as no failed join (nor Kinesis Video's denial)")
                .isFalse();
        assertThat(line.path("ErrorsRaised").asInt()).isEqualTo(1);
    }

    @Test
    void summary_whenDetailsAreNotAResultLocation_isInvalidWithoutReadingAnything() {
        assertThatThrownBy(() -> summarise("runs/other.json"))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("ResultWriterDetails.Key: must be the key of a Distributed Map's manifest.json");
        assertThat(s3.requests()).isEmpty();
    }
}
