package dev.kvsjoin.log;

import dev.kvsjoin.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;

/**
 * The only writer of log lines: one JSON object per line, with Powertools for AWS Lambda key names where they
 * overlap ({@code timestamp}, {@code level}, {@code message}, {@code service}, {@code function_request_id},
 * {@code cold_start}, ...). Messages are constants; everything variable goes in fields, written by a JSON generator
 * that escapes every string, so no value can break a line or forge a field.
 */
public final class Log {

    /** Where finished lines go, with their level (Lambda's logger filters and frames them). */
    @FunctionalInterface
    public interface Sink {
        void write(byte[] line, Level level);
    }

    private final Sink sink;
    private final Level minimum;
    private final String service;
    private final LongSupplier clock;

    public Log(Sink sink, Level minimum, String service, LongSupplier epochMillis) {
        this.sink = sink;
        this.minimum = minimum;
        this.service = service;
        this.clock = epochMillis;
    }

    public boolean isEnabled(Level level) {
        return level.compareTo(minimum) >= 0;
    }

    /**
     * Writes one line. Field values may be strings, numbers, booleans, lists of strings or maps of these;
     * {@code null} values are left out.
     */
    public void write(Level level, String message, Map<String, ?> fields) {
        if (!isEnabled(level)) {
            return;
        }
        byte[] line = Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("timestamp", DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(clock.getAsLong())));
            g.writeStringField("level", level.name());
            g.writeStringField("message", message);
            g.writeStringField("service", service);
            for (Map.Entry<String, ?> field : fields.entrySet()) {
                writeField(g, field.getKey(), field.getValue());
            }
            g.writeEndObject();
            g.writeRaw('\n');
        });
        sink.write(line, level);
    }

    private static void writeField(JsonGenerator g, String name, Object value) throws IOException {
        switch (value) {
            case null -> { }
            case String s -> g.writeStringField(name, s);
            case Integer i -> g.writeNumberField(name, i);
            case Long l -> g.writeNumberField(name, l);
            case Boolean b -> g.writeBooleanField(name, b);
            case Map<?, ?> map -> {
                g.writeObjectFieldStart(name);
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    writeField(g, String.valueOf(entry.getKey()), entry.getValue());
                }
                g.writeEndObject();
            }
            case List<?> list -> {
                g.writeArrayFieldStart(name);
                for (Object item : list) {
                    g.writeString(String.valueOf(item));
                }
                g.writeEndArray();
            }
            default -> g.writeStringField(name, String.valueOf(value));
        }
    }
}
