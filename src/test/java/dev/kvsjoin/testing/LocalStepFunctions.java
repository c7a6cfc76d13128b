package dev.kvsjoin.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Independent Step Functions tooling on Node.js, from the npm project in {@code src/test/node} (versions pinned by
 * its committed lock file): {@code asl-validator} checks definitions, {@code aws-local-stepfunctions} runs them.
 *
 * <p>The first use installs the packages with {@code npm ci} (from npm's cache when it has them) unless
 * {@code node_modules} already holds exactly what the lock file names; without {@code node} or {@code npm} on the
 * PATH it throws, saying what to install.
 */
public final class LocalStepFunctions {

    static final Path PROJECT = Path.of("src/test/node");
    /** Oldest Node.js the scripts run on (with the polyfill that aws-local-stepfunctions needs before Node 22). */
    static final int MINIMUM_NODE = 20;
    private static final Path STAMP = PROJECT.resolve("node_modules/.installed-lock-sha256");
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static boolean installed;

    /** What an execution ended with: the output, or the error name and cause; and the states it went through. */
    public record Execution(String status, JsonNode output, String error, String cause, List<Event> events) {

        public boolean succeeded() {
            return "SUCCEEDED".equals(status);
        }

        /** The names of the states that had an event of {@code type} (StateEntered, StateRetried, StateCaught). */
        public List<String> states(String type) {
            return events.stream().filter(e -> e.type().equals(type)).map(Event::state).toList();
        }
    }

    /** One state event of the execution. */
    public record Event(String type, String state) {
    }

    private LocalStepFunctions() {
    }

    /** asl-validator's findings per definition, by name: an empty list for a valid definition. */
    public static Map<String, List<String>> validate(Map<String, ? extends JsonNode> definitions) {
        String out = node("validate.js", JSON.valueToTree(definitions), Duration.ofMinutes(1));
        try {
            return JSON.readValue(out, new TypeReference<LinkedHashMap<String, List<String>>>() { });
        } catch (IOException e) {
            throw new IllegalStateException("validate.js answered something else than JSON: " + out, e);
        }
    }

    /**
     * Runs one execution of {@code definition} on {@code input}. Its Lambda tasks invoke {@code lambda} (see
     * {@link LocalLambda}); Wait states and Retry intervals take no time.
     */
    public static Execution run(JsonNode definition, JsonNode input, URI lambda, Duration timeout) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("definition", definition);
        job.put("input", input);
        job.put("lambda", lambda.toString());
        String out = node("run.js", JSON.valueToTree(job), timeout);
        try {
            JsonNode result = JSON.readTree(out);
            List<Event> events = new ArrayList<>();
            result.path("events").forEach(e -> events.add(new Event(e.path("type").asText(), e.path("state").asText())));
            return new Execution(result.path("status").asText(), result.path("output"),
                    result.path("error").asText(null), result.path("cause").asText(null), List.copyOf(events));
        } catch (IOException e) {
            throw new IllegalStateException("run.js answered something else than JSON: " + out, e);
        }
    }

    /** Runs one script of the npm project with {@code input} on standard input; returns its standard output. */
    private static String node(String script, JsonNode input, Duration timeout) {
        install();
        return exec(List.of("node", "--require", "./polyfill.cjs", script), toBytes(input), timeout).stdout();
    }

    /** Installs the npm project's packages unless {@code node_modules} matches the lock file already. */
    static synchronized void install() {
        if (installed) {
            return;
        }
        int version = nodeMajorVersion();
        if (version < MINIMUM_NODE) {
            throw new IllegalStateException("Node.js " + version + " is on the PATH; the Step Functions checks need "
                    + "Node.js " + MINIMUM_NODE + " or newer");
        }
        requireTool("npm", List.of("npm", "--version"));
        String lock = lockDigest();
        if (!Files.isRegularFile(STAMP) || !lock.equals(readString(STAMP))) {
            Result result = exec(List.of("npm", "ci", "--prefer-offline", "--no-audit", "--no-fund",
                    "--loglevel=error"), new byte[0], INSTALL_TIMEOUT);
            if (result.exitCode() != 0) {
                throw new IllegalStateException("npm ci in " + PROJECT + " failed (exit " + result.exitCode()
                        + "): " + tail(result.stderr()));
            }
            writeString(STAMP, lock);
        }
        installed = true;
    }

    private static int nodeMajorVersion() {
        String version = requireTool("node", List.of("node", "--version")).strip();
        try {
            return Integer.parseInt(version.replaceFirst("^v", "").split("\\.")[0]);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("node --version printed " + RequestCheck.shape(version), e);
        }
    }

    private static String requireTool(String name, List<String> command) {
        try {
            Result result = exec(command, new byte[0], Duration.ofSeconds(30));
            if (result.exitCode() == 0) {
                return result.stdout();
            }
        } catch (UncheckedIOException e) {
            // Not on the PATH: said below.
        }
        throw new IllegalStateException(name + " was not found on the PATH. The test command validates and runs the"
                + " state machines with Node.js packages (src/test/node): install Node.js " + MINIMUM_NODE
                + " or newer with npm (Debian: apt-get install nodejs npm).");
    }

    private static String lockDigest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Files.readAllBytes(PROJECT.resolve("package.json")));
            sha.update(Files.readAllBytes(PROJECT.resolve("package-lock.json")));
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    /** Runs a command in the npm project; fails, with its standard error, if it exits non-zero or times out. */
    private static Result exec(List<String> command, byte[] stdin, Duration timeout) {
        try {
            Path dir = Files.createDirectories(Path.of("target"));
            Path in = Files.createTempFile(dir, "node-in-", ".json");
            Path out = Files.createTempFile(dir, "node-out-", ".txt");
            Path err = Files.createTempFile(dir, "node-err-", ".txt");
            try {
                Files.write(in, stdin);
                Process process = new ProcessBuilder(command).directory(PROJECT.toFile())
                        .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
                            + ": " + tail(Files.readString(err)));
                }
                Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
                boolean install = command.get(0).equals("npm") && command.contains("ci");
                if (result.exitCode() != 0 && !install) {
                    throw new IllegalStateException(String.join(" ", command) + " exited with " + result.exitCode()
                            + ": " + tail(result.stderr()));
                }
                return result;
            } finally {
                for (Path file : List.of(in, out, err)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static byte[] toBytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeString(Path file, String text) {
        try {
            Files.writeString(file, text + System.lineSeparator(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
