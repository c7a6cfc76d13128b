package dev.kvsjoin;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.kvsjoin.auth.AuthConfig;
import dev.kvsjoin.aws.Clients;
import dev.kvsjoin.config.Settings;
import dev.kvsjoin.errors.JoinException;
import dev.kvsjoin.fleet.RunSummary;
import dev.kvsjoin.join.EndpointCache;
import dev.kvsjoin.join.Joiner;
import dev.kvsjoin.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * SnapStart priming: runs the whole invocation path before the snapshot, so that a restored instance finds it
 * loaded and initialised. Every trigger's event goes through a second graph of the function's own classes (decoding,
 * validation, request marshalling, SigV4 signing, the url-connection client with a real TLS handshake, response and
 * error parsing, log lines and their embedded metrics at the function's own log level), against a short-lived HTTPS
 * server on loopback that answers like Kinesis Video. Its certificate chains to a throwaway root that only the
 * priming client trusts; the root's key was never kept. Nothing reaches AWS, no credentials are fetched, and no line
 * is logged.
 */
final class Priming {

    private static final String KEYSTORE = "/dev/kvsjoin/priming.p12";
    private static final char[] PASSWORD = "priming".toCharArray();
    private static final String CHANNEL = "arn:aws:kinesisvideo:us-east-1:000000000000:channel/priming/0";
    private static final String DENIED = "priming-denied";
    /** The caller of the primed API Gateway events, in the deployed mode's form. */
    private static final String SUBJECT = "AIDAPRIMING";
    private static final String PRIMING_ARN = "arn:aws:iam::000000000000:user/priming";
    /**
     * Passes over the path: repetition lets the JIT compiler reach the hot code (signing, TLS, JSON), and a snapshot
     * keeps compiled code; the budget bounds the time added to publishing a version.
     */
    static final int ROUNDS = 10;
    static final Duration BUDGET = Duration.ofSeconds(10);

    private Priming() {
    }

    /** Runs every priming invocation; throws if the path could not be exercised. */
    static void run(Settings settings) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Priming.class.getResourceAsStream(KEYSTORE)) {
            keys.load(in, PASSWORD);
        }
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls(keys)));
        URI endpoint = URI.create("https://127.0.0.1:" + server.getAddress().getPort());
        server.createContext("/getSignalingChannelEndpoint", exchange -> answer(exchange, 200, null,
                "{\"ResourceEndpointList\":[{\"Protocol\":\"WEBRTC\",\"ResourceEndpoint\":\"" + endpoint + "\"}]}"));
        server.createContext("/joinStorageSessionAsViewer", exchange -> {
            boolean denied = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                    .contains(DENIED);
            answer(exchange, denied ? 403 : 200, denied ? "AccessDeniedException" : null,
                    denied ? "{\"message\":\"priming\"}" : "");
        });
        server.start();
        TrustManager[] trust = clientTrust(keys);
        List<byte[]> events = events(settings.auth());
        long deadline = System.nanoTime() + BUDGET.toNanos();
        try {
            for (int round = 0; round < ROUNDS && System.nanoTime() - deadline < 0; round++) {
                runOnce(settings, trust, endpoint, events);
            }
        } finally {
            server.stop(0);
        }
    }

    /**
     * One pass over every event with a new HTTP client, whose new TLS context makes each connection a full handshake
     * (no session to resume), as a restored instance's first connections are.
     */
    private static void runOnce(Settings settings, TrustManager[] trust, URI endpoint, List<byte[]> events) {
        SdkHttpClient http = UrlConnectionHttpClient.builder()
                .tlsTrustManagersProvider(() -> trust)
                .connectionTimeout(settings.connectTimeout())
                .socketTimeout(settings.readTimeout())
                .build();
        try (Clients clients = new Clients(http,
                () -> StaticCredentialsProvider.create(AwsBasicCredentials.create("PRIMING", "PRIMING")), endpoint, 1)) {
            JoinFunction function = new JoinFunction(settings,
                    new Joiner(clients, new EndpointCache(4, Duration.ofMinutes(1), System::nanoTime)),
                    new RunSummary(clients, RunSummary.DEFAULT_REGION),
                    new Log((line, level) -> { }, settings.logLevel(), settings.serviceName(),
                            System::currentTimeMillis, settings.metricsNamespace()));
            for (byte[] event : events) {
                try {
                    function.handle(event, new PrimingContext(), true);
                } catch (JoinException expected) {
                    // the error paths are part of what is primed
                }
            }
        }
    }

    /**
     * Every trigger's event, valid and refused. The API Gateway ones carry the identity of the deployed mode's
     * authorizer and a client id bound to it, so that the authorization checks are primed too; one carries none.
     */
    private static List<byte[]> events(AuthConfig auth) {
        String request = "{\"channelArn\":\"" + CHANNEL + "\",\"clientId\":\"priming\"}";
        String callerRequest = request.replace("\"priming\"", "\"" + SUBJECT + ".viewer\"");
        String body = Base64.getEncoder().encodeToString(callerRequest.getBytes(StandardCharsets.UTF_8));
        String bus = "\"version\":\"0\",\"id\":\"priming\",\"account\":\"000000000000\",\"time\":"
                + "\"2026-01-01T00:00:00Z\",\"region\":\"us-east-1\",\"resources\":[],";
        boolean jwt = auth.mode() == AuthConfig.Mode.JWT;
        String claims = "{" + quoted(auth.subjectClaim()) + ":" + quoted(SUBJECT) + "," + quoted(auth.channelsClaim())
                + ":\"[priming]\"}";
        String httpAuthorizer = jwt ? "\"authorizer\":{\"jwt\":{\"claims\":" + claims + ",\"scopes\":null}},"
                : "\"authorizer\":{\"iam\":{\"userId\":\"" + SUBJECT + "\",\"userArn\":\"" + PRIMING_ARN + "\"}},";
        String restCaller = jwt ? "\"authorizer\":{\"claims\":" + claims + "}"
                : "\"identity\":{\"user\":\"" + SUBJECT + "\",\"userArn\":\"" + PRIMING_ARN + "\"}";
        String httpApi = "{\"version\":\"2.0\",\"routeKey\":\"POST /join\",\"requestContext\":{" + httpAuthorizer
                + "\"http\":{\"method\":\"POST\"}},\"body\":\"" + body + "\",\"isBase64Encoded\":true}";
        return List.of(
                httpApi,
                httpApi.replace("\"method\":\"POST\"", "\"method\":\"GET\""),
                httpApi.replace(httpAuthorizer, ""),
                "{\"resource\":\"/join\",\"path\":\"/join\",\"httpMethod\":\"POST\",\"requestContext\":{"
                        + restCaller + "},\"body\":" + quoted(callerRequest) + ",\"isBase64Encoded\":false}",
                "{" + bus + "\"detail-type\":\"Join\",\"source\":\"priming\",\"detail\":" + request + "}",
                "{" + bus + "\"detail-type\":\"Scheduled Event\",\"source\":\"aws.scheduler\",\"detail\":"
                        + quoted(request) + "}",
                request,
                request.replace("\"priming\"", "\"" + DENIED + "\""),
                "{\"joins\":[" + request + "," + request.replace("priming/0", "priming-batch/0")
                        .replace("\"priming\"", "\"" + DENIED + "\"") + "]}",
                "{\"channelArn\":\"arn:aws:kinesisvideo:us-east-1:0:stream/x/0\",\"clientId\":\"not valid\"}",
                "not json").stream().map(e -> e.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static String quoted(String json) {
        return "\"" + json.replace("\"", "\\\"") + "\"";
    }

    private static void answer(HttpExchange exchange, int status, String errorType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-RequestId", "priming");
        if (errorType != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static SSLContext serverTls(KeyStore keys) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        return tls;
    }

    /** Trusts the throwaway root alone, through the same PKIX trust manager the real client uses. */
    private static TrustManager[] clientTrust(KeyStore keys) {
        try {
            Certificate[] chain = keys.getCertificateChain("server");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("priming-root", chain[chain.length - 1]);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("priming trust store", e);
        }
    }

    /** The context of a priming invocation: generous time, fixed identifiers. */
    private record PrimingContext() implements Context {
        @Override
        public String getAwsRequestId() {
            return "priming";
        }

        @Override
        public String getLogGroupName() {
            return "priming";
        }

        @Override
        public String getLogStreamName() {
            return "priming";
        }

        @Override
        public String getFunctionName() {
            return "priming";
        }

        @Override
        public String getFunctionVersion() {
            return "priming";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "priming";
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return 10_000;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 0;
        }

        @Override
        public LambdaLogger getLogger() {
            return null;
        }
    }
}
