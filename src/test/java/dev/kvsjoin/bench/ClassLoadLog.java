package dev.kvsjoin.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The function JVM's {@code -Xlog:class+load} file: one line per class loaded, written and flushed as the class
 * loads. Counting its lines while the function is blocked on the Runtime API (waiting for an event) gives exactly
 * the classes loaded by then.
 */
final class ClassLoadLog {

    /** One class load: the class and where it came from. */
    record Loaded(String className, String source) {

        /** The package, {@code (default)} for none; hidden classes count in their host's package. */
        String packageName() {
            int dot = className.lastIndexOf('.');
            return dot < 0 ? "(default)" : className.substring(0, dot);
        }

        /**
         * Where the class came from, coarsely: {@code CDS archive} (the JDK's shared archive, cheapest),
         * {@code JDK modules} (parsed from the JDK's jimage), {@code generated} (lambdas, method handles, proxies),
         * or the jar or directory's file name (the function's and the runtime client's code).
         */
        String origin() {
            if (source.startsWith("shared objects file")) {
                return "CDS archive";
            }
            if (source.startsWith("jrt:/")) {
                return "JDK modules";
            }
            if (source.startsWith("file:") || source.startsWith("jar:")) {
                String path = source.replaceFirst("^jar:", "").replaceFirst("!/.*$", "").replaceFirst("/$", "");
                String name = path.substring(path.lastIndexOf('/') + 1);
                return path.endsWith(".jar") ? name : name + "/";
            }
            return "generated";
        }
    }

    private static final Pattern LINE = Pattern.compile("^\\[[^]]*] (\\S+) source: (.*)$");

    private final Path file;

    ClassLoadLog(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** The JVM flag that writes the log, decorated with the JVM's uptime only. */
    String jvmFlag() {
        return "-Xlog:class+load=info:file=" + file.toAbsolutePath() + ":uptime";
    }

    /** Complete lines written so far. */
    int count() throws IOException {
        int lines = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return 0;
        }
        return lines;
    }

    /** Every class load recorded, in order; the index of one is the number of classes loaded before it. */
    List<Loaded> read() throws IOException {
        List<Loaded> loaded = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = LINE.matcher(line);
            loaded.add(m.matches() ? new Loaded(m.group(1), m.group(2)) : new Loaded(line, "unparsed"));
        }
        return loaded;
    }
}
