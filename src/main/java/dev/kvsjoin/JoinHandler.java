package dev.kvsjoin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaRuntime;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import dev.kvsjoin.aws.Clients;
import dev.kvsjoin.config.Settings;
import dev.kvsjoin.fleet.RunSummary;
import dev.kvsjoin.join.EndpointCache;
import dev.kvsjoin.join.Joiner;
import dev.kvsjoin.log.Level;
import dev.kvsjoin.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.crac.Core;
import org.crac.Resource;

/**
 * The Lambda entry point named by {@code template.yaml}: bytes in, bytes out. Everything else is built once, when
 * Lambda creates the handler, from the environment. Under SnapStart the handler is also the CRaC resource: it primes
 * the invocation path before the snapshot and resets per-instance state after each restore. The runtime holds the
 * handler, so the registration stays strongly reachable.
 */
public final class JoinHandler implements RequestStreamHandler, Resource {

    private final Settings settings;
    private final Clients clients;
    private final EndpointCache cache;
    private final JoinFunction function;
    private final Log log;
    /** Claimed by exactly one invocation, even when several run at once (Lambda Managed Instances). */
    private final AtomicBoolean coldStart = new AtomicBoolean(true);

    /** Called by the Lambda runtime. */
    public JoinHandler() {
        this(Settings.fromEnvironment());
    }

    private JoinHandler(Settings settings) {
        this(settings, Clients.create(settings), JoinHandler::toLambdaLogger);
        if (settings.region() != null) {
            clients.control(settings.region());
            clients.storage(settings.region());
        }
        Core.getGlobalContext().register(this);
    }

    JoinHandler(Settings settings, Clients clients, Log.Sink sink) {
        this.settings = settings;
        this.clients = clients;
        this.log = new Log(sink, settings.logLevel(), settings.serviceName(), System::currentTimeMillis,
                settings.metricsNamespace());
        this.cache = new EndpointCache(settings.endpointCacheSize(), settings.endpointCacheTtl(), System::nanoTime);
        this.function = new JoinFunction(settings, new Joiner(clients, cache), new RunSummary(clients,
                settings.region() == null ? RunSummary.DEFAULT_REGION : settings.region()), log);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(function.handle(input.readAllBytes(), context, coldStart.getAndSet(false)));
    }

    /** Primes the invocation path; a failure is logged and leaves the snapshot unprimed but usable. */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        long started = System.nanoTime();
        try {
            Priming.run(settings);
            clients.warmCredentials();
            log.write(Level.INFO, "primed", Map.of("duration_ms", (System.nanoTime() - started) / 1_000_000));
        } catch (Exception | LinkageError e) {
            // A runtime without a module priming uses (jdk.httpserver) must still get a usable snapshot.
            log.write(Level.WARN, "priming failed", Map.of("error_type", e.getClass().getName()));
        }
    }

    /** A restored instance starts cold, with no connection, credentials or jitter state from the snapshot. */
    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        coldStart.set(true);
        cache.clear();
        clients.afterRestore();
    }

    /** Lambda's logger frames each line as one event and applies the function's log level. */
    private static void toLambdaLogger(byte[] line, Level level) {
        LambdaRuntime.getLogger().log(line, switch (level) {
            case DEBUG -> LogLevel.DEBUG;
            case INFO -> LogLevel.INFO;
            case WARN -> LogLevel.WARN;
            case ERROR -> LogLevel.ERROR;
        });
    }
}
