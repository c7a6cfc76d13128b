package dev.kvsjoin.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The function's deployment package laid out as {@code sam build} lays it out and Lambda unpacks it into
 * {@code /var/task}: the compiled classes and resources at the root, the runtime dependencies in {@code lib/}. The
 * runtime client loads the function from there (its working directory and {@code lib/*.jar}), apart from its own
 * class path.
 */
public final class TaskRoot {

    /** {@code artifactId-version.jar}, the version starting at the first {@code -} followed by a digit. */
    private static final Pattern VERSIONED = Pattern.compile("(.+?)-(\\d[^/]*)\\.jar");

    private TaskRoot() {
    }

    /**
     * Copies {@code target/classes} and every jar of {@code target/lib} (filled by {@code mvn package}) into
     * {@code into}, after checking the build produced both and the handler's class. Copies rather than links: a
     * rebuild rewriting {@code target/} must not change the jars under a running function.
     */
    static void assemble(Path projectDir, String handler, Path into) {
        Path classes = projectDir.resolve("target/classes");
        Path lib = projectDir.resolve("target/lib");
        String handlerClass = handler.split("::", 2)[0];
        Path handlerFile = classes.resolve(handlerClass.replace('.', '/') + ".class");
        if (!Files.isRegularFile(handlerFile)) {
            throw new IllegalStateException(projectDir.relativize(handlerFile) + " is missing: build the function"
                    + " first (mvn package -DskipTests, or ./run, which builds what is needed)");
        }
        List<Path> jars = jars(lib);
        if (jars.isEmpty()) {
            throw new IllegalStateException("target/lib holds no jars: the runtime dependencies are copied there by"
                    + " maven-dependency-plugin during the build (mvn package -DskipTests)");
        }
        List<String> stale = duplicates(jars);
        if (!stale.isEmpty()) {
            throw new IllegalStateException("target/lib holds more than one version of " + stale + ", left over from"
                    + " an earlier build (copy-dependencies never deletes a jar): mvn clean package -DskipTests");
        }
        try {
            copyTree(classes, into);
            Path intoLib = Files.createDirectories(into.resolve("lib"));
            for (Path jar : jars) {
                Files.copy(jar, intoLib.resolve(jar.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the task root in " + into, e);
        }
    }

    private static List<Path> jars(Path lib) {
        if (!Files.isDirectory(lib)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(lib)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Artifacts present in several versions, judging by the {@code artifactId-version.jar} file names. */
    static List<String> duplicates(List<Path> jars) {
        Map<String, Long> counts = jars.stream().map(jar -> VERSIONED.matcher(jar.getFileName().toString()))
                .filter(Matcher::matches)
                .collect(Collectors.groupingBy(m -> m.group(1), TreeMap::new, Collectors.counting()));
        return counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    }

    /** Copies a directory tree, replacing files that exist (also used by the benchmark's artifact snapshots). */
    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
