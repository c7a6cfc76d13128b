package dev.kvsjoin.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/** The S3 reads of a fleet run's summary, signed as S3 takes them. */
class S3ObjectsTest {

    /** S3's documented example: "GET Object", in "Signature Calculations for the Authorization Header". */
    static final String EXAMPLE_ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    static final String EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final String EXAMPLE_AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3"
            + "/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";

    private static S3Objects objects(URI endpoint) {
        return new S3Objects(UrlConnectionHttpClient.create(),
                () -> AwsBasicCredentials.create(EXAMPLE_ACCESS_KEY, EXAMPLE_SECRET), endpoint,
                Clock.fixed(Instant.parse("2013-05-24T00:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void sign_whenS3sDocumentedGetObject_givesItsDocumentedAuthorization() {
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.GET).protocol("https")
                .host("examplebucket.s3.amazonaws.com").encodedPath("/test.txt")
                .putHeader("Range", "bytes=0-9")
                .putHeader("x-amz-content-sha256", S3Objects.EMPTY_SHA256)
                .build();

        SdkHttpRequest signed = objects(null).sign(request, "us-east-1");

        // The signer separates the parts with ", ", the example with ","; both are SigV4's format.
        assertThat(signed.firstMatchingHeader("Authorization").orElseThrow().replace(", ", ","))
                .isEqualTo(EXAMPLE_AUTHORIZATION);
        assertThat(signed.firstMatchingHeader("x-amz-date")).contains("20130524T000000Z");
    }

    @Test
    void request_whenRegional_isVirtualHostedWithTheEmptyBodysHash() {
        SdkHttpRequest request = objects(null).request("eu-west-1", "fleet-results-1a2b", "runs/3f1c/manifest.json");

        assertThat(request.getUri()).hasToString(
                "https://fleet-results-1a2b.s3.eu-west-1.amazonaws.com/runs/3f1c/manifest.json");
        assertThat(request.firstMatchingHeader("x-amz-content-sha256")).contains(S3Objects.EMPTY_SHA256);
        assertThat(objects(null).request("cn-north-1", "b-1", "k").getUri())
                .hasToString("https://b-1.s3.cn-north-1.amazonaws.com.cn/k");
    }

    @Test
    void request_whenBucketHasDotsOrEndpointIsOverridden_isPathStyle() {
        assertThat(objects(null).request("us-west-2", "my.results", "a b/c+d~e").getUri())
                .hasToString("https://s3.us-west-2.amazonaws.com/my.results/a%20b/c%2Bd~e");
        assertThat(objects(URI.create("http://127.0.0.1:9000")).request("us-west-2", "results", "runs/x.json")
                .getUri()).hasToString("http://127.0.0.1:9000/results/runs/x.json");
    }
}
