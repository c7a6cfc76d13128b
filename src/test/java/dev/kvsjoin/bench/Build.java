package dev.kvsjoin.bench;

import dev.kvsjoin.testing.TaskRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One of the builds compared: a Maven project with a {@code template.yaml} naming its handler, packaged as
 * {@code sam build} deploys it ({@code target/classes} plus {@code target/lib}). The function itself, and with
 * {@code --baseline} the function as it was at another commit (exported and built by {@code bench/run}).
 *
 * @param callsKinesisVideo whether it joins through the local Kinesis Video endpoint (the floor answers alone)
 */
record Build(String name, Path projectDir, boolean callsKinesisVideo) {

    static final String FLOOR = "floor";
    static final String NAIVE = "naive";
    static final String BASELINE = "baseline";
    static final String FUNCTION = "function";
    /** Where the function's bundled trust store (the Amazon Trust Services roots) lands in its build output. */
    static final String AMAZON_ROOTS = "target/classes/dev/kvsjoin/amazon-roots.jks";

    /**
     * Floor, naive, the baseline (when {@code baselineDir} is not {@code null}) and the function: the order of the
     * first round and of every table.
     */
    static List<Build> all(Path root, Path baselineDir) {
        List<Build> builds = new ArrayList<>(List.of(new Build(FLOOR, root.resolve("bench/floor"), false),
                new Build(NAIVE, root.resolve("bench/naive"), true)));
        if (baselineDir != null) {
            builds.add(new Build(BASELINE, baselineDir, true));
        }
        builds.add(new Build(FUNCTION, root, true));
        return List.copyOf(builds);
    }

    /** The function and, when {@code baselineDir} is not {@code null}, the baseline: what the soak runs. */
    static List<Build> functions(Path root, Path baselineDir) {
        return all(root, baselineDir).stream().filter(Build::isFunction).toList();
    }

    /** Whether this is the function, at the working tree or at the baseline's commit. */
    boolean isFunction() {
        return name.equals(FUNCTION) || name.equals(BASELINE);
    }

    /**
     * Copies what a run needs ({@code template.yaml}, {@code target/classes}, {@code target/lib}) to
     * {@code dir/<name>} and returns the build there: every run of the session then starts the same artifact, even
     * if someone rebuilds the project meanwhile.
     */
    Build snapshot(Path dir) throws IOException {
        Path into = dir.resolve(name);
        deleteTree(into);
        Files.createDirectories(into.resolve("target"));
        Files.copy(projectDir.resolve("template.yaml"), into.resolve("template.yaml"));
        for (String part : List.of("target/classes", "target/lib")) {
            Path from = projectDir.resolve(part);
            if (!Files.isDirectory(from)) {
                throw new IllegalStateException(from + " is missing: build first (bench/run builds what is needed)");
            }
            TaskRoot.copyTree(from, into.resolve(part));
        }
        return new Build(name, into, callsKinesisVideo);
    }

    /** The deployment artifact's size: every file under {@code target/classes} and {@code target/lib}, in bytes. */
    Artifact artifact() {
        return new Artifact(bytes(projectDir.resolve("target/classes")), bytes(projectDir.resolve("target/lib")));
    }

    record Artifact(long classesBytes, long libBytes) {
        long totalBytes() {
            return classesBytes + libBytes;
        }
    }

    private static long bytes(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(dir + " is missing: build first (bench/run builds what is needed)");
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
