package dev.kvsjoin.aws;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;

/**
 * Reads S3 objects with a signed {@code GET}: the SDK's own SigV4 signer and the function's url-connection client,
 * without the S3 client module, which would double the deployment artifact for one read path (a fleet run's
 * summary). The request is S3's plain GetObject: virtual-hosted style ({@code https://bucket.s3.region.dns-suffix/key},
 * path style for bucket names with dots or an endpoint override), an {@code x-amz-content-sha256} of the empty body,
 * no double URL encoding or path normalisation, as S3's SigV4 rules ask; the test against S3's documented signing
 * example proves the same bytes come out.
 */
public final class S3Objects {

    /** SHA-256 of the empty body: a GET sends none. */
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private final SdkHttpClient http;
    private final Supplier<AwsCredentialsIdentity> credentials;
    private final URI endpoint;
    private final Clock clock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /** @param endpoint S3's endpoint override (path style then), or {@code null} for the regional endpoint */
    S3Objects(SdkHttpClient http, Supplier<AwsCredentialsIdentity> credentials, URI endpoint, Clock clock) {
        this.http = http;
        this.credentials = credentials;
        this.endpoint = endpoint;
        this.clock = clock;
    }

    /** An S3 answer other than 200: its status (403, 404, 5xx...). */
    public static final class Failure extends Exception {
        private final int status;

        Failure(int status) {
            super("S3 answered " + status, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** The object's content as a stream; the caller closes it. */
    public InputStream get(String region, String bucket, String key) throws Failure, IOException {
        SdkHttpRequest signed = sign(request(region, bucket, key), region);
        HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder().request(signed).build())
                .call();
        Optional<InputStream> body = response.responseBody().map(InputStream.class::cast);
        int status = response.httpResponse().statusCode();
        if (status != 200) {
            if (body.isPresent()) {
                body.get().close();
            }
            throw new Failure(status);
        }
        return body.orElseGet(InputStream::nullInputStream);
    }

    /** The unsigned GET of one object. */
    SdkHttpRequest request(String region, String bucket, String key) {
        String path = "/" + encode(key);
        SdkHttpRequest.Builder builder = SdkHttpRequest.builder().method(SdkHttpMethod.GET)
                .putHeader("x-amz-content-sha256", EMPTY_SHA256);
        if (endpoint != null) {
            return builder.uri(endpoint.resolve("/" + encode(bucket) + path)).build();
        }
        String suffix = PartitionMetadata.of(Region.of(region)).dnsSuffix();
        String host = bucket.contains(".") ? "s3." + region + "." + suffix : bucket + ".s3." + region + "." + suffix;
        String fullPath = bucket.contains(".") ? "/" + bucket + path : path;
        return builder.protocol("https").host(host).encodedPath(fullPath).build();
    }

    /** SigV4 as S3 takes it: signing name {@code s3}, the key's path as sent (no double encoding, no normalising). */
    SdkHttpRequest sign(SdkHttpRequest request, String region) {
        return signer.sign(r -> r.identity(credentials.get())
                        .request(request)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                        .putProperty(HttpSigner.SIGNING_CLOCK, clock))
                .request();
    }

    /** Each segment of a key percent-encoded as S3 expects ({@code /} kept, a space as {@code %20}). */
    static String encode(String key) {
        return Arrays.stream(key.split("/", -1))
                .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8)
                        .replace("+", "%20").replace("*", "%2A").replace("%7E", "~"))
                .collect(Collectors.joining("/"));
    }
}
