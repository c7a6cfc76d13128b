package dev.kvsjoin.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogTest {

    private final List<String> lines = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();
    private final Log log = new Log((line, level) -> {
        lines.add(new String(line, StandardCharsets.UTF_8));
        levels.add(level);
    }, Level.INFO, "svc", () -> 1_700_000_000_123L);

    @Test
    void write_producesOneJsonObjectPerLineWithPowertoolsKeys() throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("function_request_id", "r-1");
        fields.put("cold_start", true);
        fields.put("attempts", 2);
        fields.put("duration_ms", 15L);
        fields.put("problems", List.of("a", "b"));
        fields.put("absent", null);

        log.write(Level.INFO, "session joined", fields);

        assertThat(lines).singleElement().asString().endsWith("\n").doesNotContain("absent");
        String line = lines.get(0);
        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("timestamp").asText()).isEqualTo("2023-11-14T22:13:20.123Z");
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("message").asText()).isEqualTo("session joined");
        assertThat(json.get("service").asText()).isEqualTo("svc");
        assertThat(json.get("cold_start").isBoolean()).isTrue();
        assertThat(json.get("attempts").asInt()).isEqualTo(2);
        assertThat(json.get("problems").size()).isEqualTo(2);
        assertThat(levels).containsExactly(Level.INFO);
    }

    @Test
    void write_whenValueTriesToForgeLineOrField_staysOneLineAndOneField() throws Exception {
        String hostile = "x\"}\n{\"level\":\"ERROR\",\"message\":\"forged\u2028\u0000";

        log.write(Level.INFO, "m", Map.of("clientId", hostile));

        assertThat(lines).singleElement();
        String line = lines.get(0);
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n").doesNotContain("\r");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("clientId").asText()).isEqualTo(hostile);
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("message").asText()).isEqualTo("m");
    }

    @Test
    void write_whenBelowMinimumLevel_writesNothing() {
        log.write(Level.DEBUG, "noise", Map.of());

        assertThat(lines).isEmpty();
        assertThat(log.isEnabled(Level.DEBUG)).isFalse();
        assertThat(log.isEnabled(Level.WARN)).isTrue();
    }

    @Test
    void parse_acceptsLambdaAndPowertoolsNames() {
        assertThat(Level.parse("TRACE")).isEqualTo(Level.DEBUG);
        assertThat(Level.parse("debug")).isEqualTo(Level.DEBUG);
        assertThat(Level.parse(" WARN ")).isEqualTo(Level.WARN);
        assertThat(Level.parse("FATAL")).isEqualTo(Level.ERROR);
        assertThat(Level.parse("LOUD")).isNull();
    }
}
