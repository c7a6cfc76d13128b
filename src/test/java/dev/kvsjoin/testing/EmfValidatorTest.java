package dev.kvsjoin.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The validator against documents that break each rule of the embedded metric format once. */
class EmfValidatorTest {

    static final String VALID = """
            {"service":"svc","trigger":"direct","Joined":1,"Latency":[1.5,2],
             "_aws":{"Timestamp":1700000000000,"CloudWatchMetrics":[{"Namespace":"App",
               "Dimensions":[["service"],["service","trigger"],[]],
               "Metrics":[{"Name":"Joined","Unit":"Count"},{"Name":"Latency","Unit":"Milliseconds",
                 "StorageResolution":60}]}]}}""";

    @Test
    void problems_whenDocumentFollowsTheSpecification_areNone() {
        assertThat(EmfValidator.problems(VALID)).isEmpty();
        assertThat(EmfValidator.problems(VALID + "\n")).as("a trailing newline ends a line").isEmpty();
        EmfValidator.assertWithinOlderLimits(VALID);
    }

    @Test
    void data_whenDocumentValid_isOneDatumPerMetricDimensionSetAndValue() {
        List<EmfValidator.Datum> data = EmfValidator.data(EmfValidator.assertValid(VALID));

        assertThat(data).hasSize(2 * 3 + 3);
        assertThat(data).filteredOn(d -> d.name().equals("Joined"))
                .extracting(d -> d.dimensions().toString())
                .containsExactly("{service=svc}", "{service=svc, trigger=direct}", "{}");
        assertThat(data).filteredOn(d -> d.name().equals("Latency")).extracting(EmfValidator.Datum::value)
                .contains(1.5, 2.0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no _aws                         | "_aws":{                          | "_meta":{                       | _aws
            Timestamp not an integer        | "Timestamp":1700000000000         | "Timestamp":"1700000000000"     | Timestamp
            Timestamp fractional            | "Timestamp":1700000000000         | "Timestamp":1700000000000.5     | Timestamp
            no CloudWatchMetrics            | "CloudWatchMetrics"               | "Metrics2"                      | CloudWatchMetrics
            empty namespace                 | "Namespace":"App"                 | "Namespace":""                  | Namespace
            reserved namespace              | "Namespace":"App"                 | "Namespace":"AWS/Lambda"        | AWS/
            no dimension sets               | [["service"],["service","trigger"],[]] | []                         | Dimensions
            dimension not a root member     | ["service","trigger"]             | ["service","channel"]           | channel
            dimension value not a string    | "trigger":"direct"                | "trigger":7                     | not a string
            dimension value empty           | "trigger":"direct"                | "trigger":""                    | 1 to 1024
            metric without a name           | {"Name":"Joined","Unit":"Count"}  | {"Unit":"Count"}                | Name
            metric not a root member        | "Joined":1,                       | "Join":1,                       | Joined
            metric value a string           | "Joined":1,                       | "Joined":"1",                   | neither
            metric value a boolean          | "Joined":1,                       | "Joined":true,                  | neither
            metric values nested            | [1.5,2]                           | [1.5,[2]]                       | finite number
            unknown unit                    | "Unit":"Count"                    | "Unit":"Things"                 | Unit
            storage resolution not 1 or 60  | "StorageResolution":60            | "StorageResolution":5           | StorageResolution
            metric defined twice            | {"Name":"Latency"                 | {"Name":"Joined"                | twice
            """)
    void problems_whenOneRuleBroken_nameIt(String rule, String from, String to, String named) {
        assertThat(VALID).contains(from);
        String broken = VALID.replace(from, to);

        assertThat(EmfValidator.problems(broken)).as(rule).isNotEmpty()
                .anySatisfy(p -> assertThat(p).containsIgnoringCase(named));
    }

    @Test
    void problems_whenEventHasTextAroundTheObject_areReported() {
        assertThat(EmfValidator.problems("2026-11-24T10:00:00Z\tINFO\t" + VALID)).isNotEmpty();
        assertThat(EmfValidator.problems(VALID + VALID)).isNotEmpty();
        assertThat(EmfValidator.problems("{\"message\":\"" + VALID.replace("\"", "\\\"") + "\"}"))
                .as("a document escaped into a message, as a text formatter would").isNotEmpty();
    }

    @Test
    void problems_whenLimitsExceeded_areReported() {
        String thirtyOne = IntStream.range(0, 31).mapToObj(i -> "\"d" + i + "\"").collect(Collectors.joining(","));
        String members = IntStream.range(0, 31).mapToObj(i -> "\"d" + i + "\":\"v\",")
                .collect(Collectors.joining());
        assertThat(EmfValidator.problems(VALID.replace("[\"service\",\"trigger\"]", "[" + thirtyOne + "]")
                .replace("{\"service\"", "{" + members + "\"service\""))).isNotEmpty();

        String metrics = IntStream.range(0, 101).mapToObj(i -> "{\"Name\":\"Joined" + i + "\"}")
                .collect(Collectors.joining(","));
        String values = IntStream.range(0, 101).mapToObj(i -> "\"Joined" + i + "\":1,").collect(Collectors.joining());
        assertThat(EmfValidator.problems(VALID.replace("{\"Name\":\"Joined\",\"Unit\":\"Count\"}", metrics)
                .replace("\"Joined\":1,", values))).anySatisfy(p -> assertThat(p).contains("100"));

        String many = IntStream.range(0, 101).mapToObj(Integer::toString).collect(Collectors.joining(","));
        assertThat(EmfValidator.problems(VALID.replace("[1.5,2]", "[" + many + "]")))
                .anySatisfy(p -> assertThat(p).contains("over 100"));

        String longValue = "x".repeat(1025);
        assertThat(EmfValidator.problems(VALID.replace("\"direct\"", "\"" + longValue + "\""))).isNotEmpty();
    }
}
