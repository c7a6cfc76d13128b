package dev.kvsjoin;

import static dev.kvsjoin.testing.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvsjoin.aws.Clients;
import dev.kvsjoin.config.Settings;
import dev.kvsjoin.errors.InvalidRequestException;
import dev.kvsjoin.testing.LocalKinesisVideo;
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

/** Whatever regions callers name, the clients and threads stay bounded. */
class RegionBoundsTest {

    private LocalKinesisVideo kvs;
    private Clients clients;
    private JoinHandler handler;

    @BeforeEach
    void start() throws IOException {
        kvs = LocalKinesisVideo.start();
        Settings settings = Settings.from(Map.of("JOIN_MAX_ATTEMPTS", "1"));
        clients = new Clients(Clients.httpClient(settings),
                () -> StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                kvs.controlEndpoint(), settings.maxAttempts());
        handler = new JoinHandler(settings, clients, (line, level) -> { });
    }

    @AfterEach
    void stop() {
        clients.close();
        kvs.close();
    }

    private void join(String arn) throws IOException {
        handler.handleRequest(new ByteArrayInputStream(utf8("{\"channelArn\":\"" + arn + "\",\"clientId\":\"v\"}")),
                new ByteArrayOutputStream(), TestContext.of("r"));
    }

    private static long threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }

    @Test
    void join_whenManyRegionsOfThePartitionsForm_keepsClientsAndThreadsBounded() throws IOException {
        long before = threads("sdk-ScheduledExecutor");
        long timeoutThreads = threads("kvsjoin-call-timeouts");
        // Known regions: newer ones are capped separately.
        java.util.List<String> regions = software.amazon.awssdk.regions.Region.regions().stream()
                .map(software.amazon.awssdk.regions.Region::id)
                .filter(id -> id.matches("^(us|eu|ap|sa|ca|me|af|il|mx)-\\w+-\\d+$")).sorted().toList();
        assertThat(regions).hasSizeGreaterThan(Clients.MAX_REGIONS + 4);
        for (String region : regions) {
            String arn = "arn:aws:kinesisvideo:" + region + ":123456789012:channel/x/1700000000500";
            kvs.addChannel(arn);
            join(arn);
        }

        assertThat(kvs.violations()).isEmpty();
        assertThat(kvs.requests()).hasSize(2 * regions.size());
        assertThat(clients.regionsKept()).isEqualTo(Clients.MAX_REGIONS);
        assertThat(threads("sdk-ScheduledExecutor")).as("threads the SDK starts per client").isEqualTo(before);
        assertThat(threads("kvsjoin-call-timeouts")).as("one timeout thread for every client")
                .isLessThanOrEqualTo(timeoutThreads + 1);
    }

    @Test
    void join_whenMoreNewerRegionsThanTheCap_refusesTheRestAsInvalidWithoutCalling() throws IOException {
        for (int i = 1; i <= Clients.MAX_NEWER_REGIONS; i++) {
            String arn = "arn:aws:kinesisvideo:eu-probe-" + i + ":123456789012:channel/x/1700000000500";
            kvs.addChannel(arn);
            join(arn);
        }
        int requests = kvs.requests().size();

        assertThatThrownBy(() -> join("arn:aws:kinesisvideo:eu-probe-99:123456789012:channel/x/1700000000500"))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("channelArn: names a region newer than this build knows");
        String known = "arn:aws:kinesisvideo:eu-west-3:123456789012:channel/x/1700000000500";
        kvs.addChannel(known);
        join(known);
        join("arn:aws:kinesisvideo:eu-probe-1:123456789012:channel/x/1700000000500");
        assertThat(kvs.requests()).hasSize(requests + 2 + 1);
    }

    @Test
    void join_whenRegionCannotExistInThePartition_refusesBeforeBuildingAClient() {
        for (int i = 0; i < 40; i++) {
            String arn = "arn:aws:kinesisvideo:zz-probe-" + i + ":123456789012:channel/x/1700000000500";
            assertThatThrownBy(() -> join(arn)).isExactlyInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("channelArn: names a region that cannot exist in the partition aws");
        }

        assertThat(clients.regionsKept()).isZero();
        assertThat(kvs.requests()).isEmpty();
    }
}
