package dev.kvsjoin.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the real-format sample events kept in test resources, and the project's own {@code events/}. */
public final class Fixtures {

    private Fixtures() {
    }

    /** A file from {@code src/test/resources/events/} (see the SOURCES.md there). */
    public static byte[] event(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource events/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file from the repository's {@code events/} folder. */
    public static byte[] sample(String name) {
        try {
            return Files.readAllBytes(Path.of("events", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
