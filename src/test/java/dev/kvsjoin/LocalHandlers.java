package dev.kvsjoin;

import dev.kvsjoin.aws.Clients;
import dev.kvsjoin.config.Settings;
import dev.kvsjoin.log.Log;
import dev.kvsjoin.testing.LocalKinesisVideo;
import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** The production handler graph with explicit credentials, pointed at a local Kinesis Video endpoint. */
final class LocalHandlers {

    private LocalHandlers() {
    }

    static JoinHandler create(LocalKinesisVideo kvs, Map<String, String> env, AwsCredentialsProvider credentials,
                              Log.Sink sink) {
        return create(kvs, null, env, credentials, sink);
    }

    /** The same, with S3 at {@code s3} too (a fleet run's results). */
    static JoinHandler create(LocalKinesisVideo kvs, URI s3, Map<String, String> env,
                              AwsCredentialsProvider credentials, Log.Sink sink) {
        Settings settings = Settings.from(env);
        Clients clients = new Clients(Clients.httpClient(settings), () -> credentials, kvs.controlEndpoint(), s3,
                settings.maxAttempts());
        return new JoinHandler(settings, clients, sink);
    }
}
