package dev.kvsjoin.fleet;

import dev.kvsjoin.aws.Clients;
import dev.kvsjoin.aws.S3Objects;
import dev.kvsjoin.join.Reason;
import dev.kvsjoin.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonProcessingException;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;

/**
 * Sums a fleet run's outcomes by reason from what its Distributed Map's {@code ResultWriter} wrote: the manifest
 * ({@code ResultFiles} lists the {@code SUCCEEDED}, {@code FAILED} and {@code PENDING} files), then each file's child
 * execution records. A succeeded batch counts its result's {@code counts}; a failed batch counts its items under its
 * error; a pending one under {@code NotStarted}. Files are read as streams, one record at a time, so memory stays
 * bounded whatever the run's size; reading stops at the deadline and says the summary is incomplete.
 */
public final class RunSummary {

    /** Where the Distributed Map's output says its results are. */
    public record Request(String bucket, String manifestKey, String mapRunArn) {
    }

    /** The sums, or why there are none. */
    public sealed interface Result {
        record Summed(Request request, Map<String, Long> counts, long succeeded, long failed, long pending,
                      boolean complete) implements Result {
        }

        record Failed(Reason reason, String message, String awsErrorCode) implements Result {
        }
    }

    /** Where results are read outside Lambda, which names the function's region in {@code AWS_REGION}. */
    public static final String DEFAULT_REGION = "us-east-1";
    static final String DETAILS = "ResultWriterDetails";
    /** Distinct error names counted apart; more are counted together, so a summary stays small. */
    static final int MAX_REASONS = 32;
    static final String NOT_STARTED = "NotStarted";
    /** A manifest lists a few files; anything bigger is not one. */
    static final int MAX_MANIFEST_BYTES = 1024 * 1024;
    static final String OTHER = "OtherErrors";
    private static final Pattern BUCKET = Pattern.compile("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");
    private static final JsonFactory STREAMS = new JsonFactory();

    private final Clients clients;
    private final String region;

    public RunSummary(Clients clients, String region) {
        this.clients = clients;
        this.region = region;
    }

    /** Whether a decoded request is a Distributed Map's output to summarise. */
    public static boolean isSummary(Object request) {
        return request instanceof Map<?, ?> fields && fields.containsKey(DETAILS);
    }

    /** The request, or the problems that make it invalid (each naming its field). */
    public static Object validate(Object request) {
        Map<?, ?> fields = (Map<?, ?>) request;
        List<String> problems = new ArrayList<>();
        String bucket = null;
        String key = null;
        if (!(fields.get(DETAILS) instanceof Map<?, ?> details)) {
            problems.add(DETAILS + ": must be an object with Bucket and Key (received "
                    + Json.describe(fields.get(DETAILS)) + ")");
        } else {
            if (details.get("Bucket") instanceof String b && BUCKET.matcher(b).matches()) {
                bucket = b;
            } else {
                problems.add(DETAILS + ".Bucket: must be an S3 bucket name (3 to 63 lower-case letters, digits, '.'"
                        + " and '-')");
            }
            if (details.get("Key") instanceof String k && !k.isEmpty() && k.length() <= 1024
                    && k.endsWith("manifest.json")) {
                key = k;
            } else {
                problems.add(DETAILS + ".Key: must be the key of a Distributed Map's manifest.json (at most 1024"
                        + " characters)");
            }
        }
        Object arn = fields.get("MapRunArn");
        if (arn != null && !(arn instanceof String s && s.startsWith("arn:") && s.length() <= 2048)) {
            problems.add("MapRunArn: must be a Map Run ARN when present");
        }
        return problems.isEmpty() ? new Request(bucket, key, (String) arn) : List.copyOf(problems);
    }

    /** Reads the manifest and every result file it lists, within {@code budget}. */
    public Result summarize(Request request, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        S3Objects s3 = clients.s3();
        try {
            Map<String, List<String>> files = manifest(s3, request);
            Map<String, Long> counts = new LinkedHashMap<>();
            long[] batches = new long[3];
            boolean complete = true;
            for (String status : List.of("SUCCEEDED", "FAILED", "PENDING")) {
                for (String key : files.getOrDefault(status, List.of())) {
                    if (System.nanoTime() - deadline >= 0) {
                        complete = false;
                        break;
                    }
                    complete &= readFile(s3, request.bucket(), key, counts, batches, deadline);
                }
            }
            return new Result.Summed(request, counts, batches[0], batches[1], batches[2], complete);
        } catch (S3Objects.Failure e) {
            int status = e.status();
            Reason reason = status == 403 ? Reason.ACCESS_DENIED
                    : status == 404 ? Reason.NOT_FOUND
                    : status >= 500 ? Reason.UPSTREAM_UNAVAILABLE : Reason.UPSTREAM_ERROR;
            return new Result.Failed(reason, switch (reason) {
                case ACCESS_DENIED -> "the function may not read the fleet run's results";
                case NOT_FOUND -> "the fleet run's manifest or a result file was not found";
                case UPSTREAM_UNAVAILABLE -> "S3 failed with a server error; retry later";
                default -> "S3 refused the read with an unexpected answer (HTTP " + status + ")";
            }, null);
        } catch (IOException | UncheckedIOException e) {
            return new Result.Failed(Reason.UPSTREAM_UNAVAILABLE, "S3 could not be reached; retry later", null);
        } catch (Json.JsonSyntaxException | ClassCastException | NotResults e) {
            return new Result.Failed(Reason.UPSTREAM_ERROR, "the fleet run's manifest or results are not in the"
                    + " Distributed Map's format", null);
        }
    }

    /** The manifest's result files by status: {@code ResultFiles.SUCCEEDED[].Key} and its siblings. */
    private Map<String, List<String>> manifest(S3Objects s3, Request request) throws S3Objects.Failure, IOException {
        byte[] bytes;
        try (InputStream in = s3.get(region, request.bucket(), request.manifestKey())) {
            bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        }
        if (bytes.length > MAX_MANIFEST_BYTES) {
            throw new NotResults();
        }
        Map<?, ?> manifest = (Map<?, ?>) Json.parse(bytes);
        Map<?, ?> resultFiles = (Map<?, ?>) manifest.get("ResultFiles");
        Map<String, List<String>> files = new LinkedHashMap<>();
        if (resultFiles != null) {
            resultFiles.forEach((status, list) -> {
                List<String> keys = new ArrayList<>();
                for (Object file : (List<?>) list) {
                    keys.add((String) ((Map<?, ?>) file).get("Key"));
                }
                files.put((String) status, keys);
            });
        }
        return files;
    }

    /** Adds one result file's records; {@code false} when the deadline cut it short. */
    private boolean readFile(S3Objects s3, String bucket, String key, Map<String, Long> counts, long[] batches,
                             long deadline) throws S3Objects.Failure, IOException {
        try (InputStream in = s3.get(region, bucket, key); JsonParser parser = STREAMS.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new NotResults();
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
                add(record(parser), counts, batches);
            }
            return true;
        } catch (JsonProcessingException e) {
            throw new NotResults();
        }
    }

    /** One child execution record's fields that matter: status, input, output and error. */
    private static Map<String, String> record(JsonParser parser) throws IOException {
        Map<String, String> record = new LinkedHashMap<>();
        for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_STRING && List.of("Status", "Input", "Output", "Error").contains(name)) {
                record.put(name, parser.getText());
            } else {
                parser.skipChildren();
            }
        }
        return record;
    }

    private static void add(Map<String, String> record, Map<String, Long> counts, long[] batches) {
        String status = record.getOrDefault("Status", "");
        if (status.equals("SUCCEEDED") && record.get("Output") != null) {
            batches[0]++;
            Object output = Json.parse(record.get("Output").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (output instanceof Map<?, ?> result && result.get("counts") instanceof Map<?, ?> batchCounts) {
                batchCounts.forEach((reason, n) -> {
                    if (n instanceof Number number) {
                        count(counts, String.valueOf(reason), number.longValue());
                    }
                });
            }
            return;
        }
        long items = items(record.get("Input"));
        if (status.equals("PENDING") || status.isEmpty()) {
            batches[2]++;
            count(counts, NOT_STARTED, items);
        } else {
            batches[1]++;
            count(counts, record.getOrDefault("Error", status), items);
        }
    }

    /** How many items a batch's input held. */
    private static long items(String input) {
        if (input == null) {
            return 0;
        }
        Object batch = Json.parse(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (batch instanceof Map<?, ?> fields) {
            for (String name : List.of("Items", "joins")) {
                if (fields.get(name) instanceof List<?> list) {
                    return list.size();
                }
            }
        }
        return 0;
    }

    /** A file that is not what a Distributed Map's ResultWriter writes. */
    private static final class NotResults extends RuntimeException {
        NotResults() {
            super("not a result file", null, false, false);
        }
    }

    private static void count(Map<String, Long> counts, String reason, long n) {
        String name = reason.length() > 128 ? reason.substring(0, 128) : reason;
        String key = counts.containsKey(name) || counts.size() < MAX_REASONS ? name : OTHER;
        counts.merge(key, n, Long::sum);
    }
}
