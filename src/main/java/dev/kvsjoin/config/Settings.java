package dev.kvsjoin.config;

import dev.kvsjoin.auth.AuthConfig;
import dev.kvsjoin.log.Level;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Everything the function takes from its environment, read in one place and checked at start: an invalid setting
 * fails the init phase with every problem listed, instead of the first invocation that needs it.
 *
 * @param controlEndpoint the Kinesis Video endpoint from {@code AWS_ENDPOINT_URL_KINESIS_VIDEO} or
 *                        {@code AWS_ENDPOINT_URL}, as the SDK reads them, or {@code null} for the regional default
 * @param containerCredentials whether Lambda hands credentials through the container endpoint (SnapStart) rather
 *                             than the environment
 * @param region the function's own region ({@code AWS_REGION}), or {@code null} outside Lambda
 * @param trustStore {@code amazon} (the Amazon Trust Services roots), {@code jvm} (the JVM's store) or the absolute
 *                   path of a JKS or PKCS12 trust store; {@code amazon} yields to {@code jvm} when the JVM was given
 *                   a trust store of its own ({@code -Djavax.net.ssl.trustStore}, e.g. in {@code JAVA_TOOL_OPTIONS})
 * @param batchParallelism a batch's items joined at once
 * @param batchJoinsPerSecond the most joins a batch invocation starts a second (Kinesis Video allows an account 50)
 * @param s3Endpoint S3's endpoint from {@code AWS_ENDPOINT_URL_S3} or {@code AWS_ENDPOINT_URL}, or {@code null}
 * @param auth how HTTP callers are authenticated and bound: {@code API_AUTH}, {@code CLIENT_ID_BINDING},
 *             {@code JWT_SUBJECT_CLAIM}, {@code JWT_CHANNELS_CLAIM}, {@code JWT_SCOPE_PREFIX}
 * @param metricsNamespace the CloudWatch namespace of the metrics embedded in the log
 *                         ({@code POWERTOOLS_METRICS_NAMESPACE}), or {@code null} when metrics are off
 *                         ({@code POWERTOOLS_METRICS_DISABLED=true})
 */
public record Settings(
        String functionName,
        String functionVersion,
        String region,
        String serviceName,
        Level logLevel,
        URI controlEndpoint,
        boolean containerCredentials,
        Duration connectTimeout,
        Duration readTimeout,
        int maxAttempts,
        Duration endpointCacheTtl,
        int endpointCacheSize,
        String trustStore,
        int batchParallelism,
        int batchJoinsPerSecond,
        URI s3Endpoint,
        AuthConfig auth,
        String metricsNamespace) {

    static final String DEFAULT_SERVICE = "kvs-storage-viewer-join";
    static final String DEFAULT_METRICS_NAMESPACE = "KvsStorageViewerJoin";
    /** CloudWatch's namespace characters (its documented set), at most PutMetricData's 255. */
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9 ._#:/-]{1,255}");
    /** A dimension value CloudWatch accepts: 1 to 1024 printable ASCII characters (never blank: read stripped). */
    private static final Pattern DIMENSION_VALUE = Pattern.compile("[ -~]{1,1024}");

    /** The JVM's standard trust-store property, which a user sets expecting every HTTPS client to honour it. */
    static final String JVM_TRUST_STORE_PROPERTY = "javax.net.ssl.trustStore";

    /** Reads the process environment and the JVM's trust-store property. */
    public static Settings fromEnvironment() {
        return from(System.getenv(), System.getProperty(JVM_TRUST_STORE_PROPERTY));
    }

    /** Reads the given environment; throws {@link ConfigurationException} listing every invalid variable. */
    public static Settings from(Map<String, String> env) {
        return from(env, null);
    }

    /**
     * Reads the given environment, with the JVM's trust-store property ({@code null} when unset); throws
     * {@link ConfigurationException} listing every invalid variable.
     */
    public static Settings from(Map<String, String> env, String jvmTrustStore) {
        Reader r = new Reader(env, jvmTrustStore);
        String service = r.text("POWERTOOLS_SERVICE_NAME", DEFAULT_SERVICE);
        Settings settings = new Settings(
                r.text("AWS_LAMBDA_FUNCTION_NAME", "local"),
                r.text("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
                r.text("AWS_REGION", null),
                service,
                r.level(),
                r.endpoint("AWS_ENDPOINT_URL_KINESIS_VIDEO"),
                !r.text("AWS_CONTAINER_CREDENTIALS_FULL_URI", "").isEmpty(),
                Duration.ofMillis(r.number("JOIN_CONNECT_TIMEOUT_MS", 2_000, 100, 60_000)),
                Duration.ofMillis(r.number("JOIN_READ_TIMEOUT_MS", 5_000, 100, 300_000)),
                r.number("JOIN_MAX_ATTEMPTS", 3, 1, 10),
                Duration.ofSeconds(r.number("ENDPOINT_CACHE_TTL_SECONDS", 300, 0, 86_400)),
                r.number("ENDPOINT_CACHE_SIZE", 64, 1, 10_000),
                r.trustStore(),
                r.number("BATCH_PARALLELISM", 4, 1, 16),
                r.number("BATCH_JOINS_PER_SECOND", 10, 1, 50),
                r.endpoint("AWS_ENDPOINT_URL_S3"),
                r.auth(),
                r.metricsNamespace(service));
        if (!r.problems.isEmpty()) {
            throw new ConfigurationException(r.problems);
        }
        return settings;
    }

    private static final class Reader {
        private final Map<String, String> env;
        private final String jvmTrustStore;
        private final List<String> problems = new ArrayList<>();

        Reader(Map<String, String> env, String jvmTrustStore) {
            this.env = env;
            this.jvmTrustStore = jvmTrustStore;
        }

        String text(String name, String fallback) {
            String value = env.get(name);
            return value == null || value.isBlank() ? fallback : value.strip();
        }

        int number(String name, int fallback, int min, int max) {
            String raw = text(name, null);
            if (raw == null) {
                return fallback;
            }
            try {
                int value = Integer.parseInt(raw);
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add(name + ": must be a whole number from " + min + " to " + max);
            return fallback;
        }

        /** Lambda's application log level wins; Powertools' variable is the fallback outside Lambda's JSON format. */
        Level level() {
            for (String name : List.of("AWS_LAMBDA_LOG_LEVEL", "POWERTOOLS_LOG_LEVEL")) {
                String raw = text(name, null);
                if (raw != null) {
                    Level level = Level.parse(raw);
                    if (level == null) {
                        problems.add(name + ": must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL");
                        return Level.INFO;
                    }
                    return level;
                }
            }
            return Level.INFO;
        }

        /** The HTTP API's authorizer and the caller rules; every value is checked, none is echoed. */
        AuthConfig auth() {
            AuthConfig defaults = AuthConfig.DEFAULTS;
            return new AuthConfig(
                    choice("API_AUTH", AuthConfig.Mode.class, defaults.mode()),
                    choice("CLIENT_ID_BINDING", AuthConfig.Binding.class, defaults.binding()),
                    token("JWT_SUBJECT_CLAIM", defaults.subjectClaim()),
                    token("JWT_CHANNELS_CLAIM", defaults.channelsClaim()),
                    token("JWT_SCOPE_PREFIX", defaults.scopePrefix()));
        }

        /** One of an enum's constants, by its name in any case. */
        <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
            String raw = text(name, null);
            if (raw == null) {
                return fallback;
            }
            List<String> names = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(raw)) {
                    return constant;
                }
                names.add(constant.name().toLowerCase(java.util.Locale.ROOT));
            }
            problems.add(name + ": must be one of " + String.join(", ", names));
            return fallback;
        }

        /**
         * A claim name or scope prefix: 1 to 256 visible ASCII characters, none of which separates the entries of a
         * claim (space, comma, bracket, double quote).
         */
        String token(String name, String fallback) {
            String raw = text(name, null);
            if (raw == null) {
                return fallback;
            }
            if (raw.length() <= 256 && raw.chars().allMatch(c -> c > ' ' && c < 127 && "\",[]".indexOf(c) < 0)) {
                return raw;
            }
            problems.add(name + ": must be 1 to 256 visible ASCII characters without a comma, bracket or quote");
            return fallback;
        }

        /** A trust store given to the JVM itself wins over the default Amazon roots, never over a file named here. */
        String trustStore() {
            String value = text("JOIN_TRUST_STORE", "amazon");
            if (value.equals("amazon") && jvmTrustStore != null && !jvmTrustStore.isBlank()) {
                return "jvm";
            }
            if (value.equals("amazon") || value.equals("jvm")
                    || (value.startsWith("/") && java.nio.file.Files.isReadable(java.nio.file.Path.of(value)))) {
                return value;
            }
            problems.add("JOIN_TRUST_STORE: must be amazon, jvm or the absolute path of a readable trust store");
            return "amazon";
        }

        boolean flag(String name, boolean fallback) {
            String raw = text(name, null);
            if (raw == null) {
                return fallback;
            }
            if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(raw);
            }
            problems.add(name + ": must be true or false");
            return fallback;
        }

        /**
         * Powertools' metrics variables: the namespace, unless metrics are disabled. The service name is the
         * {@code service} dimension of every metric, so it must then be a value CloudWatch takes.
         */
        String metricsNamespace(String service) {
            if (flag("POWERTOOLS_METRICS_DISABLED", false)) {
                return null;
            }
            String namespace = text("POWERTOOLS_METRICS_NAMESPACE", DEFAULT_METRICS_NAMESPACE);
            if (!NAMESPACE.matcher(namespace).matches() || namespace.startsWith("AWS/")) {
                problems.add("POWERTOOLS_METRICS_NAMESPACE: must be 1 to 255 letters, digits, spaces or . - _ / # :"
                        + " and not start with AWS/ (CloudWatch's own namespaces)");
            }
            if (!DIMENSION_VALUE.matcher(service).matches()) {
                problems.add("POWERTOOLS_SERVICE_NAME: must be 1 to 1024 printable ASCII characters while metrics are"
                        + " on (it is the service dimension of every metric)");
            }
            return namespace;
        }

        /** The SDK's own endpoint variables, service-specific first, unless configured endpoints are ignored. */
        URI endpoint(String serviceVariable) {
            if (text("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false").equalsIgnoreCase("true")) {
                return null;
            }
            for (String name : List.of(serviceVariable, "AWS_ENDPOINT_URL")) {
                String raw = text(name, null);
                if (raw != null) {
                    try {
                        URI uri = new URI(raw);
                        if (uri.getHost() != null && ("http".equals(uri.getScheme())
                                || "https".equals(uri.getScheme()))) {
                            return uri;
                        }
                    } catch (java.net.URISyntaxException e) {
                        // reported below
                    }
                    problems.add(name + ": must be an http or https URL with a host");
                    return null;
                }
            }
            return null;
        }
    }
}
