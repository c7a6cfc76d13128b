package dev.kvsjoin.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Lambda Java runtime interface client as the managed runtime lays it out in {@code /var/runtime/lib}: its jar
 * and the jars it needs, on the JVM's class path, apart from the function's own code. The jars are the ones on this
 * JVM's class path (the project's test dependencies), found through one class each.
 *
 * <p>With {@code AWS_LAMBDA_MAX_CONCURRENCY} set to {@code n} (Lambda Managed Instances set it), the client loads the
 * handler once, logs that it starts {@code n} threads, and runs {@code n} loops side by side on one handler: each polls
 * {@code /next} on an HTTP connection of its own, calls the handler and posts the answer. The X-Ray trace id and the
 * request id of the client's own JSON log lines are kept per thread, and each log line is written whole under one
 * lock, so lines of concurrent invocations never mix.
 */
final class RuntimeClient {

    /** The runtime's entry point; its one argument is the handler string. */
    static final String MAIN_CLASS = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    /** The system property naming the native client library, as the managed runtime sets it. */
    static final String JNI_PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    /** One class from each jar of the runtime's class path. */
    private static final List<String> MARKERS = List.of(
            MAIN_CLASS,
            "com.amazonaws.services.lambda.runtime.Context",
            "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer",
            "software.amazon.awssdk.utilslite.SdkInternalThreadLocal");

    private RuntimeClient() {
    }

    /** The runtime's class path: the client, aws-lambda-java-core, its serialization library and utils-lite. */
    static List<Path> classpath() {
        Set<Path> jars = new LinkedHashSet<>();
        List<String> missing = new ArrayList<>();
        for (String marker : MARKERS) {
            try {
                CodeSource source = Class.forName(marker, false, RuntimeClient.class.getClassLoader())
                        .getProtectionDomain().getCodeSource();
                if (source == null || source.getLocation() == null) {
                    missing.add(marker);
                } else {
                    jars.add(Path.of(source.getLocation().toURI()));
                }
            } catch (ClassNotFoundException | URISyntaxException e) {
                missing.add(marker);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the Lambda runtime interface client is not on the class path (missing "
                    + missing + "): run with the project's test class path, which has"
                    + " com.amazonaws:aws-lambda-java-runtime-interface-client");
        }
        return List.copyOf(jars);
    }

    /**
     * Copies the native client library for this platform out of the client's jar into {@code dir}, as the managed
     * runtime keeps it in {@code /var/runtime/lib/jni}. Left to itself, the client would unpack it to a fixed path
     * in {@code /tmp}, which concurrent JVMs would overwrite under each other.
     */
    static Path extractNativeLibrary(Path dir) throws IOException {
        String name = "libaws-lambda-jni." + platform() + ".so";
        Path target = dir.resolve(name);
        try (InputStream in = Class.forName(MAIN_CLASS, false, RuntimeClient.class.getClassLoader())
                .getResourceAsStream("/jni/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the runtime interface client has no native library " + name);
            }
            Files.createDirectories(dir);
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the Lambda runtime interface client is not on the class path", e);
        }
        return target;
    }

    /** The client's name for this OS, C library and CPU; it ships Linux libraries only. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux")) {
            throw new IllegalStateException("the Lambda runtime interface client runs on Linux only (this is "
                    + System.getProperty("os.name") + "): run in a Linux container, or use `sam local invoke`");
        }
        String cpu = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch_64";
            default -> throw new IllegalStateException("the Lambda runtime interface client supports x86_64 and"
                    + " aarch64 only (this is " + System.getProperty("os.arch") + ")");
        };
        return (isMusl() ? "linux_musl-" : "linux-") + cpu;
    }

    private static boolean isMusl() {
        try (var libs = Files.list(Path.of("/lib"))) {
            return libs.anyMatch(p -> p.getFileName().toString().startsWith("ld-musl-"));
        } catch (IOException e) {
            return false;
        }
    }
}
