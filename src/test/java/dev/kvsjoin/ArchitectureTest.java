package dev.kvsjoin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The rules that keep the design's seams where they are, checked on the main sources. */
class ArchitectureTest {

    static final Path MAIN = Path.of("src/main/java");

    private static List<String> filesMatching(Pattern pattern, String allowedFile) throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.endsWith(allowedFile))
                    .filter(f -> {
                        try {
                            return pattern.matcher(Files.readString(f)).find();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .map(f -> MAIN.relativize(f).toString())
                    .toList();
        }
    }

    @Test
    void environment_isReadBySettingsOnly() throws IOException {
        assertThat(filesMatching(Pattern.compile("System\\s*\\.\\s*(getenv|getProperty)|Long\\.getLong|Integer\\.getInteger"),
                "config/Settings.java")).isEmpty();
    }

    @Test
    void output_isWrittenThroughTheLogOnly() throws IOException {
        assertThat(filesMatching(Pattern.compile("System\\s*\\.\\s*(out|err)\\b|printStackTrace|System\\s*\\.\\s*exit"),
                "log/Log.java")).isEmpty();
    }

    @Test
    void sdkInternalsAndOtherHttpClients_areNotImported() throws IOException {
        assertThat(filesMatching(Pattern.compile("import software\\.amazon\\.awssdk\\.[\\w.]*\\.internal\\.|"
                + "import software\\.amazon\\.awssdk\\.http\\.(apache|nio|crt)\\."), "")).isEmpty();
    }
}
