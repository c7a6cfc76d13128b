package dev.kvsjoin.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines a process writes to a file its output is redirected to, read on demand up to the last complete line.
 * A file rather than a pipe: whatever the process wrote before some event (an answer posted to the runtime API) is
 * in the file once that event is seen, with no reader thread to race.
 */
final class OutputCapture {

    private final Path file;
    private final List<String> lines = new ArrayList<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private long offset;

    OutputCapture(Path file) {
        this.file = file;
    }

    /** Every complete line written so far, without line terminators. */
    synchronized List<String> lines() {
        catchUp();
        return List.copyOf(lines);
    }

    /** The lines from index {@code from} on (a {@link #size()} taken earlier). */
    synchronized List<String> linesFrom(int from) {
        catchUp();
        return List.copyOf(lines.subList(Math.min(from, lines.size()), lines.size()));
    }

    synchronized int size() {
        catchUp();
        return lines.size();
    }

    /** Reads the rest, including a last line without a terminator: call once the process has exited. */
    synchronized void finish() {
        catchUp();
        if (partial.size() > 0) {
            addLine();
        }
    }

    private void catchUp() {
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.position(offset);
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            for (int read; (read = channel.read(buffer)) > 0; buffer.clear()) {
                offset += read;
                for (int i = 0; i < read; i++) {
                    byte b = buffer.get(i);
                    if (b == '\n') {
                        addLine();
                    } else {
                        partial.write(b);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the function's output in " + file, e);
        }
    }

    private void addLine() {
        String line = partial.toString(UTF_8);
        lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        partial.reset();
    }
}
