package dev.kvsjoin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaRuntime;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import dev.kvsjoin.aws.Clients;
import dev.kvsjoin.config.Settings;
import dev.kvsjoin.join.EndpointCache;
import dev.kvsjoin.join.Joiner;
import dev.kvsjoin.log.Level;
import dev.kvsjoin.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The Lambda entry point named by {@code template.yaml}: bytes in, bytes out. Everything else is built once, when
 * Lambda creates the handler, from the environment.
 */
public final class JoinHandler implements RequestStreamHandler {

    private final JoinFunction function;
    private boolean coldStart = true;

    /** Called by the Lambda runtime. */
    public JoinHandler() {
        this(Settings.fromEnvironment());
    }

    private JoinHandler(Settings settings) {
        this(settings, Clients.create(settings), JoinHandler::toLambdaLogger);
    }

    JoinHandler(Settings settings, Clients clients, Log.Sink sink) {
        Log log = new Log(sink, settings.logLevel(), settings.serviceName(), System::currentTimeMillis);
        EndpointCache cache = new EndpointCache(settings.endpointCacheSize(), settings.endpointCacheTtl(),
                System::nanoTime);
        this.function = new JoinFunction(settings, new Joiner(clients, cache), log);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        boolean cold = coldStart;
        coldStart = false;
        output.write(function.handle(input.readAllBytes(), context, cold));
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
