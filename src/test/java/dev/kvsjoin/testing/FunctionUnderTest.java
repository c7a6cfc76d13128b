package dev.kvsjoin.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The packaged function in its own process ({@link FunctionProcess}) against a local Kinesis Video endpoint of its
 * own, shared by the tests of a class: started before the first test and ready (its init phase over), closed after the
 * last. After each test, the endpoint must have rejected no request, the runtime API must have seen no protocol
 * violation and the function must have written nothing to standard error.
 *
 * <p>Register it on a static field with {@code @RegisterExtension}. The class's own {@code @BeforeAll} methods run
 * once it has started, its {@code @AfterEach} methods before the checks, and its {@code @AfterAll} methods before it
 * closes.
 */
public final class FunctionUnderTest implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private final Duration wait;
    private final Consumer<FunctionProcess.Builder> settings;
    private LocalKinesisVideo kvs;
    private FunctionProcess function;

    /**
     * @param wait how long the function's init phase may take
     * @param settings what the process gets beside the endpoint: credentials, environment, concurrency
     */
    public FunctionUnderTest(Duration wait, Consumer<FunctionProcess.Builder> settings) {
        this.wait = wait;
        this.settings = settings;
    }

    /** The process with the builder's defaults. */
    public FunctionUnderTest(Duration wait) {
        this(wait, builder -> { });
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        kvs = LocalKinesisVideo.start();
        FunctionProcess.Builder builder = FunctionProcess.builder().kinesisVideoEndpoint(kvs.controlEndpoint());
        settings.accept(builder);
        function = builder.start();
        function.awaitReady(wait);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        assertThat(kvs.violations()).as("requests the local Kinesis Video endpoint rejected").isEmpty();
        assertThat(function.violations()).as("runtime API protocol violations").isEmpty();
        assertThat(function.stderr()).as("the function's standard error").isEmpty();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (function != null) {
            function.close();
        }
        if (kvs != null) {
            kvs.close();
        }
    }

    /** The local Kinesis Video endpoint the function calls. */
    public LocalKinesisVideo kvs() {
        return kvs;
    }

    /** The function's process, ready for invocations. */
    public FunctionProcess function() {
        return function;
    }
}
