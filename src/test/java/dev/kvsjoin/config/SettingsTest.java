package dev.kvsjoin.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvsjoin.auth.AuthConfig;
import dev.kvsjoin.log.Level;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void from_whenEmpty_usesDefaults() {
        Settings s = Settings.from(Map.of());

        assertThat(s.serviceName()).isEqualTo("kvs-storage-viewer-join");
        assertThat(s.logLevel()).isEqualTo(Level.INFO);
        assertThat(s.controlEndpoint()).isNull();
        assertThat(s.containerCredentials()).isFalse();
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.maxAttempts()).isEqualTo(3);
        assertThat(s.endpointCacheTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.endpointCacheSize()).isEqualTo(64);
    }

    @Test
    void from_whenLambdaLogLevelSet_winsOverPowertools() {
        assertThat(Settings.from(Map.of("AWS_LAMBDA_LOG_LEVEL", "WARN", "POWERTOOLS_LOG_LEVEL", "DEBUG")).logLevel())
                .isEqualTo(Level.WARN);
        assertThat(Settings.from(Map.of("POWERTOOLS_LOG_LEVEL", "DEBUG")).logLevel()).isEqualTo(Level.DEBUG);
    }

    @Test
    void from_whenServiceSpecificEndpointSet_winsOverGlobal() {
        Settings s = Settings.from(Map.of(
                "AWS_ENDPOINT_URL", "http://127.0.0.1:1", "AWS_ENDPOINT_URL_KINESIS_VIDEO", "http://127.0.0.1:2"));

        assertThat(s.controlEndpoint()).isEqualTo(URI.create("http://127.0.0.1:2"));
        assertThat(Settings.from(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:1")).controlEndpoint())
                .isEqualTo(URI.create("http://127.0.0.1:1"));
    }

    @Test
    void from_whenConfiguredEndpointsIgnored_usesRegionalDefault() {
        Settings s = Settings.from(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:1",
                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));

        assertThat(s.controlEndpoint()).isNull();
    }

    @Test
    void from_whenContainerCredentialsOffered_usesThem() {
        assertThat(Settings.from(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds"))
                .containerCredentials()).isTrue();
    }

    @Test
    void from_whenTrustStoreUnset_trustsAmazonRootsAndAcceptsJvmOrReadablePath() {
        assertThat(Settings.from(Map.of()).trustStore()).isEqualTo("amazon");
        assertThat(Settings.from(Map.of("JOIN_TRUST_STORE", "jvm")).trustStore()).isEqualTo("jvm");
        assertThat(Settings.from(Map.of("JOIN_TRUST_STORE", "/etc/hostname")).trustStore()).isEqualTo("/etc/hostname");
        assertThatThrownBy(() -> Settings.from(Map.of("JOIN_TRUST_STORE", "/no/such/store.jks")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("JOIN_TRUST_STORE: must be amazon, jvm or the absolute path")
                .hasMessageNotContaining("/no/such");
    }

    @Test
    void from_whenJvmGivenATrustStore_theDefaultAmazonRootsYieldToIt() {
        String jvmStore = "/etc/ssl/custom.p12";

        assertThat(Settings.from(Map.of(), jvmStore).trustStore()).isEqualTo("jvm");
        assertThat(Settings.from(Map.of("JOIN_TRUST_STORE", "amazon"), jvmStore).trustStore()).isEqualTo("jvm");
        assertThat(Settings.from(Map.of("JOIN_TRUST_STORE", "/etc/hostname"), jvmStore).trustStore())
                .as("a store named for the function stays more specific").isEqualTo("/etc/hostname");
        assertThat(Settings.from(Map.of(), " ").trustStore()).isEqualTo("amazon");
    }

    @Test
    void from_whenSeveralInvalid_listsEveryVariableWithoutValues() {
        assertThatThrownBy(() -> Settings.from(Map.of(
                "JOIN_MAX_ATTEMPTS", "0",
                "JOIN_READ_TIMEOUT_MS", "soon",
                "AWS_LAMBDA_LOG_LEVEL", "LOUD",
                "AWS_ENDPOINT_URL_KINESIS_VIDEO", "not a url secret-ish")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("JOIN_MAX_ATTEMPTS: must be a whole number from 1 to 10")
                .hasMessageContaining("JOIN_READ_TIMEOUT_MS: must be a whole number")
                .hasMessageContaining("AWS_LAMBDA_LOG_LEVEL: must be one of")
                .hasMessageContaining("AWS_ENDPOINT_URL_KINESIS_VIDEO: must be an http or https URL")
                .hasMessageNotContaining("secret-ish")
                .hasMessageNotContaining("soon");
    }

    @Test
    void from_whenAuthUnset_isIamWithPrefixBindingAndTheDocumentedClaims() {
        AuthConfig auth = Settings.from(Map.of()).auth();

        assertThat(auth).isEqualTo(new AuthConfig(AuthConfig.Mode.IAM, AuthConfig.Binding.PREFIX, "sub",
                "kvs_channels", "kvs/join:"));
    }

    @Test
    void from_whenAuthValuesGiven_readsThemInAnyCase() {
        AuthConfig auth = Settings.from(Map.of("API_AUTH", "JWT", "CLIENT_ID_BINDING", "Exact",
                "JWT_SUBJECT_CLAIM", "cognito:username", "JWT_CHANNELS_CLAIM", "https://example.com/channels",
                "JWT_SCOPE_PREFIX", "kvs-api/join:")).auth();

        assertThat(auth).isEqualTo(new AuthConfig(AuthConfig.Mode.JWT, AuthConfig.Binding.EXACT, "cognito:username",
                "https://example.com/channels", "kvs-api/join:"));
    }

    @Test
    void from_whenAuthValuesInvalid_failsListingEachWithoutTheValue() {
        assertThatThrownBy(() -> Settings.from(Map.of(
                "API_AUTH", "anonymous-secret",
                "CLIENT_ID_BINDING", "loose",
                "JWT_SUBJECT_CLAIM", "two words",
                "JWT_CHANNELS_CLAIM", "a,b",
                "JWT_SCOPE_PREFIX", "x".repeat(257))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("API_AUTH: must be one of iam, jwt")
                .hasMessageContaining("CLIENT_ID_BINDING: must be one of prefix, exact, none")
                .hasMessageContaining("JWT_SUBJECT_CLAIM: must be 1 to 256 visible ASCII characters")
                .hasMessageContaining("JWT_CHANNELS_CLAIM: must be")
                .hasMessageContaining("JWT_SCOPE_PREFIX: must be")
                .hasMessageNotContaining("anonymous-secret")
                .hasMessageNotContaining("loose");
    }

    @Test
    void from_whenMetricsUnconfigured_embedsThemUnderTheDefaultNamespace() {
        assertThat(Settings.from(Map.of()).metricsNamespace()).isEqualTo("KvsStorageViewerJoin");
        assertThat(Settings.from(Map.of("POWERTOOLS_METRICS_NAMESPACE", "Video/Joins #1")).metricsNamespace())
                .isEqualTo("Video/Joins #1");
    }

    @Test
    void from_whenMetricsDisabled_hasNoNamespaceWhateverTheOtherVariablesSay() {
        assertThat(Settings.from(Map.of("POWERTOOLS_METRICS_DISABLED", "TRUE")).metricsNamespace()).isNull();
        assertThat(Settings.from(Map.of("POWERTOOLS_METRICS_DISABLED", "true",
                "POWERTOOLS_METRICS_NAMESPACE", "AWS/Lambda", "POWERTOOLS_SERVICE_NAME", "caf\u00e9"))
                .metricsNamespace()).isNull();
        assertThat(Settings.from(Map.of("POWERTOOLS_METRICS_DISABLED", "false")).metricsNamespace()).isNotNull();
    }

    @Test
    void from_whenMetricsSettingsInvalid_failsNamingEachVariable() {
        assertThatThrownBy(() -> Settings.from(Map.of("POWERTOOLS_METRICS_DISABLED", "yes")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("POWERTOOLS_METRICS_DISABLED: must be true or false");
        assertThatThrownBy(() -> Settings.from(Map.of("POWERTOOLS_METRICS_NAMESPACE", "AWS/Lambda")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("POWERTOOLS_METRICS_NAMESPACE: must be")
                .hasMessageNotContaining("AWS/Lambda");
        assertThatThrownBy(() -> Settings.from(Map.of("POWERTOOLS_METRICS_NAMESPACE", "a".repeat(256))))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> Settings.from(Map.of("POWERTOOLS_METRICS_NAMESPACE", "joins{1}")))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> Settings.from(Map.of("POWERTOOLS_SERVICE_NAME", "caf\u00e9")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("POWERTOOLS_SERVICE_NAME: must be 1 to 1024 printable ASCII characters");
        assertThatThrownBy(() -> Settings.from(Map.of("POWERTOOLS_SERVICE_NAME", "s".repeat(1025))))
                .isInstanceOf(ConfigurationException.class);
    }
}
