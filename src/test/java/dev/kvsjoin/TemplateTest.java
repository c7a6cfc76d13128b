package dev.kvsjoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.kvsjoin.config.Settings;
import dev.kvsjoin.errors.JoinException;
import dev.kvsjoin.join.JoinRequest;
import dev.kvsjoin.join.Reason;
import dev.kvsjoin.json.Json;
import dev.kvsjoin.trigger.EventDecoder;
import dev.kvsjoin.trigger.Trigger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Checks {@code template.yaml} against the code it deploys and against SAM's own schema: what the template names
 * must exist, what it promises (least privilege, no lost asynchronous failure, valid scheduled input) must hold.
 *
 * <p>The template is read with CloudFormation's short tags kept as their long form ({@code !Ref X} becomes
 * {@code {"Ref": "X"}}), so a check can tell a parameter reference from a literal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemplateTest {

    private static final Path TEMPLATE = Path.of("template.yaml");
    private static final Path EVENTS = Path.of("events");
    private static final String ERRORS_PACKAGE = "dev.kvsjoin.errors.";
    private static final Set<String> KINESIS_VIDEO_ACTIONS =
            Set.of("kinesisvideo:GetSignalingChannelEndpoint", "kinesisvideo:JoinStorageSessionAsViewer");
    private static final Set<String> LAMBDA_SERVICE_ERRORS = Set.of("Lambda.ServiceException",
            "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException");
    /** A stack name as CloudFormation allows them, standing for {@code AWS::StackName}. */
    static final String STACK_NAME = "join-prod-1";
    /** API Gateway's integration timeout, the most an HTTP caller waits for the function. */
    private static final int API_GATEWAY_TIMEOUT_SECONDS = 30;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final JsonNode template = CfnYaml.read(TEMPLATE);

    @Test
    void handler_whenTemplateNamesIt_isARequestStreamHandlerOnTheClasspath() throws Exception {
        String[] handler = function().path("Handler").asText().split("::", 2);
        assertThat(handler).as("Handler must be class::method").hasSize(2);

        Class<?> type = Class.forName(handler[0], false, getClass().getClassLoader());

        assertThat(RequestStreamHandler.class).isAssignableFrom(type);
        assertThat(type.getMethod(handler[1], InputStream.class, OutputStream.class, Context.class)).isNotNull();
        assertThat(type.getConstructor()).as("the runtime needs a public no-argument constructor").isNotNull();
    }

    @Test
    void function_whenDeployed_runsJava25OnArm64() {
        JsonNode function = function();

        assertThat(function.path("Runtime").asText()).isEqualTo("java25");
        assertThat(textList(function.path("Architectures"))).containsExactly("arm64");
        assertThat(function.path("CodeUri").asText()).isEqualTo(".");
    }

    @Test
    void snapStart_whenApplied_hasAnAutoPublishedAlias() {
        assertThat(function().path("SnapStart").path("ApplyOn").asText()).isEqualTo("PublishedVersions");
        resourcesOfType("AWS::Serverless::Function").forEach((id, function) -> {
            if (function.path("Properties").path("SnapStart").path("ApplyOn").asText().equals("PublishedVersions")) {
                assertThat(function.path("Properties").path("AutoPublishAlias").asText())
                        .as("%s: SnapStart snapshots published versions only", id)
                        .isNotBlank();
            }
        });
    }

    @Test
    void loggingConfig_whenSet_writesJsonToAnExplicitLogGroupWithRetention() {
        JsonNode logging = function().path("LoggingConfig");

        assertThat(logging.path("LogFormat").asText()).isEqualTo("JSON");
        assertThat(logging.path("SystemLogLevel").asText()).isEqualTo("WARN");
        assertThat(parameterDefault(ref(logging.path("ApplicationLogLevel")))).isEqualTo("INFO");
        JsonNode logGroup = resource(ref(logging.path("LogGroup")));
        assertThat(logGroup.path("Type").asText()).isEqualTo("AWS::Logs::LogGroup");
        assertThat(parameter(ref(logGroup.path("Properties").path("RetentionInDays"))).path("Type").asText())
                .isEqualTo("Number");
    }

    @Test
    void timeout_whenFunctionAnswersHttpApi_staysWellUnderTheIntegrationLimit() {
        int timeout = function().path("Timeout").asInt();
        Map<String, String> variables = environment();
        int oneAttemptSeconds = (Integer.parseInt(variables.get("JOIN_CONNECT_TIMEOUT_MS"))
                + Integer.parseInt(variables.get("JOIN_READ_TIMEOUT_MS"))) / 1000;

        assertThat(timeout).isLessThanOrEqualTo(API_GATEWAY_TIMEOUT_SECONDS - 5);
        assertThat(timeout).as("room for at least two attempts of one call").isGreaterThan(2 * oneAttemptSeconds);
    }

    @Test
    void environment_whenTemplateSetsVariables_settingsReadEveryOneAsGiven() {
        Map<String, String> variables = environment();

        Settings settings = Settings.from(variables);

        assertThat(variables.keySet()).containsExactlyInAnyOrder("POWERTOOLS_SERVICE_NAME",
                "POWERTOOLS_METRICS_NAMESPACE", "JOIN_CONNECT_TIMEOUT_MS", "JOIN_READ_TIMEOUT_MS", "JOIN_MAX_ATTEMPTS",
                "ENDPOINT_CACHE_TTL_SECONDS", "ENDPOINT_CACHE_SIZE", "JOIN_TRUST_STORE");
        assertThat(settings.serviceName()).as("the stack name").isEqualTo(STACK_NAME);
        assertThat(settings.metricsNamespace()).isEqualTo(parameterDefault("MetricsNamespace"));
        assertThat(settings.connectTimeout().toMillis()).isEqualTo(number(variables, "JOIN_CONNECT_TIMEOUT_MS"));
        assertThat(settings.readTimeout().toMillis()).isEqualTo(number(variables, "JOIN_READ_TIMEOUT_MS"));
        assertThat(settings.maxAttempts()).isEqualTo(number(variables, "JOIN_MAX_ATTEMPTS"));
        assertThat(settings.endpointCacheTtl().toSeconds()).isEqualTo(number(variables, "ENDPOINT_CACHE_TTL_SECONDS"));
        assertThat(settings.endpointCacheSize()).isEqualTo(number(variables, "ENDPOINT_CACHE_SIZE"));
        assertThat(settings.trustStore()).isEqualTo(variables.get("JOIN_TRUST_STORE"));
    }

    @Test
    void policies_whenFunctionCallsKinesisVideo_allowExactlyTheTwoCallsOnTheChannelParameter() {
        JsonNode policies = function().path("Policies");
        assertThat(policies.isArray()).as("Policies must be a list of inline documents").isTrue();
        assertThat(policies).as("no managed policies or policy templates: only what SAM adds for logs").hasSize(1);

        JsonNode statements = policies.get(0).path("Statement");
        assertThat(statements).hasSize(1);
        JsonNode statement = statements.get(0);

        assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
        assertThat(textList(statement.path("Action"))).containsExactlyInAnyOrderElementsOf(KINESIS_VIDEO_ACTIONS);
        JsonNode channels = parameter(ref(statement.path("Resource")));
        assertThat(channels.path("Type").asText()).isEqualTo("CommaDelimitedList");
    }

    @Test
    void template_whenAStatementNamesKinesisVideo_grantsNoWildcardActionOrResource() {
        List<JsonNode> statements = new ArrayList<>();
        collectStatements(template.path("Resources"), statements);
        List<JsonNode> kinesisVideo = statements.stream()
                .filter(s -> textList(s.path("Action")).stream().anyMatch(a -> a.startsWith("kinesisvideo:")))
                .toList();

        assertThat(kinesisVideo).isNotEmpty();
        for (JsonNode statement : kinesisVideo) {
            assertThat(textList(statement.path("Action"))).noneMatch(a -> a.contains("*"));
            assertThat(statement.has("NotAction")).isFalse();
            assertThat(statement.has("NotResource")).isFalse();
            assertThat(literalStrings(statement.path("Resource"))).noneMatch(r -> r.contains("*"));
        }
    }

    @Test
    void constantInput_whenParametersTakeTheirDefaults_isAValidRequestOfExactlyTwoFields() {
        List<JsonNode> inputs = eventProperties("Input");
        assertThat(inputs).as("the schedule sends a constant Input").isNotEmpty();

        for (JsonNode input : inputs) {
            String json = Sub.withDefaults(input, template.path("Parameters"));
            Object request = Json.parse(json.getBytes(StandardCharsets.UTF_8));

            assertThat(request).isInstanceOf(Map.class);
            assertThat(((Map<?, ?>) request).keySet()).isEqualTo(Set.of("channelArn", "clientId"));
            assertThat(JoinRequest.validate(request)).isInstanceOf(JoinRequest.Validation.Valid.class);
        }
    }

    @Test
    void constantInput_whenParametersAreSubstituted_admitsNoValueThatBreaksTheJson() {
        for (JsonNode input : eventProperties("Input")) {
            for (String name : Sub.variables(input)) {
                JsonNode parameter = parameter(name);
                String pattern = parameter.path("AllowedPattern").asText();

                assertThat(pattern).as("%s needs an AllowedPattern", name).isNotEmpty();
                assertThat(parameter.path("Default").asText()).matches(pattern);
                assertThat("a\"b").as("%s admits a quote", name).doesNotMatch(pattern);
                assertThat("a\\b").as("%s admits a backslash", name).doesNotMatch(pattern);
            }
        }
    }

    @Test
    void schedule_whenDeployed_isOffByDefaultAndKeepsItsFailures() {
        Map<String, JsonNode> schedules = events("ScheduleV2");
        assertThat(schedules).isNotEmpty();

        for (JsonNode schedule : schedules.values()) {
            assertThat(parameterDefault(ref(schedule.path("State")))).isEqualTo("DISABLED");
            assertThat(schedule.path("OmitName").asBoolean()).isTrue();
            assertThat(schedule.path("RetryPolicy").path("MaximumRetryAttempts").isInt()).isTrue();
            assertThat(schedule.path("RetryPolicy").path("MaximumEventAgeInSeconds").asInt()).isBetween(60, 86_400);
            assertFailedJoinsQueue(getAttArn(schedule.path("DeadLetterConfig").path("Arn")));
        }
    }

    @Test
    void eventInvokeConfig_whenAsyncInvocationFails_sendsTheEventToTheFailedJoinsQueue() {
        JsonNode config = function().path("EventInvokeConfig");

        assertThat(config.path("MaximumRetryAttempts").asInt(-1)).isBetween(0, 2);
        assertThat(config.path("MaximumEventAgeInSeconds").asInt()).isBetween(60, 21_600);
        JsonNode onFailure = config.path("DestinationConfig").path("OnFailure");
        assertThat(onFailure.path("Type").asText()).isEqualTo("SQS");
        assertFailedJoinsQueue(getAttArn(onFailure.path("Destination")));
    }

    @Test
    void httpApi_whenRouteIsDeclared_requiresIamAuthorization() {
        Map<String, JsonNode> routes = events("HttpApi");
        assertThat(routes).isNotEmpty();

        for (JsonNode route : routes.values()) {
            assertThat(route.path("Auth").path("Authorizer").asText()).isEqualTo("AWS_IAM");
            JsonNode api = resource(ref(route.path("ApiId")));
            assertThat(api.path("Type").asText()).isEqualTo("AWS::Serverless::HttpApi");
            assertThat(api.path("Properties").path("Auth").path("EnableIamAuthorizer").asBoolean()).isTrue();
            assertThat(api.path("Properties").path("Auth").path("DefaultAuthorizer").asText()).isEqualTo("AWS_IAM");
        }
    }

    @Test
    void stateMachine_whenRetryOrCatchNamesAProjectError_namesARealErrorClass() throws Exception {
        Set<String> named = projectErrors(stateMachineErrorNames());

        assertThat(named).isNotEmpty();
        for (String name : named) {
            Class<?> type = Class.forName(name, false, getClass().getClassLoader());
            assertThat(JoinException.class).as(name).isAssignableFrom(type);
        }
    }

    @Test
    void stateMachine_whenRetrying_retriesExactlyTheTransientProjectErrorsAndLambdaServiceErrors() {
        Set<String> retried = new LinkedHashSet<>();
        joinTask().path("Retry").forEach(retrier -> {
            retried.addAll(textList(retrier.path("ErrorEquals")));
            assertThat(retrier.path("BackoffRate").asDouble()).isGreaterThan(1.0);
            assertThat(retrier.path("JitterStrategy").asText()).isEqualTo("FULL");
            assertThat(retrier.path("MaxAttempts").asInt()).isPositive();
        });
        Set<String> transientErrors = new LinkedHashSet<>();
        for (Reason reason : Reason.values()) {
            if (reason.isTransient()) {
                transientErrors.add(errorName(reason));
            }
        }

        assertThat(projectErrors(retried)).containsExactlyInAnyOrderElementsOf(transientErrors);
        assertThat(retried).containsAll(LAMBDA_SERVICE_ERRORS).doesNotContain("States.ALL");
    }

    @Test
    void stateMachine_whenAnyErrorIsCaught_failsWithTheOriginalError() {
        JsonNode catcher = joinTask().path("Catch").get(0);
        assertThat(catcher).isNotNull();
        assertThat(textList(catcher.path("ErrorEquals"))).containsExactly("States.ALL");
        String resultPath = catcher.path("ResultPath").asText();

        JsonNode fail = definition().path("States").path(catcher.path("Next").asText());

        assertThat(fail.path("Type").asText()).isEqualTo("Fail");
        assertThat(fail.path("ErrorPath").asText()).isEqualTo(resultPath + ".Error");
        assertThat(fail.path("CausePath").asText()).isEqualTo(resultPath + ".Cause");
    }

    @Test
    void stateMachine_whenInvokingTheFunction_mayInvokeOnlyItsAlias() {
        JsonNode task = joinTask();
        String alias = functionId() + ".Alias";

        assertThat(task.path("Resource").asText()).isEqualTo("arn:aws:states:::lambda:invoke");
        String placeholder = task.path("Parameters").path("FunctionName").asText();
        Matcher matcher = Pattern.compile("\\$\\{(\\w+)}").matcher(placeholder);
        assertThat(matcher.matches()).as("FunctionName is a substitution").isTrue();
        JsonNode properties = stateMachine().path("Properties");
        assertThat(ref(properties.path("DefinitionSubstitutions").path(matcher.group(1)))).isEqualTo(alias);
        JsonNode statements = properties.path("Policies").get(0).path("Statement");
        assertThat(statements).hasSize(1);
        assertThat(textList(statements.get(0).path("Action"))).containsExactly("lambda:InvokeFunction");
        assertThat(ref(statements.get(0).path("Resource"))).isEqualTo(alias);
    }

    @Test
    void samResources_whenValidatedAgainstSamSchema_haveNoErrors() {
        JsonNode definitions = readJson(Path.of("src/test/resources/schemas/sam.schema.json")).path("definitions");
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
        Map<String, List<String>> errors = new TreeMap<>();

        Map<String, JsonNode> samResources = new LinkedHashMap<>();
        template.path("Resources").properties().forEach(e -> {
            if (e.getValue().path("Type").asText().startsWith("AWS::Serverless::")) {
                samResources.put(e.getKey(), e.getValue());
            }
        });
        assertThat(samResources).isNotEmpty();
        samResources.forEach((id, resource) -> {
            String definition = definitionFor(definitions, resource.path("Type").asText());
            JsonSchema schema = factory.getSchema(
                    SchemaLocation.of("classpath:schemas/sam.schema.json#/definitions/" + definition));
            Set<ValidationMessage> messages = schema.validate(resource);
            if (!messages.isEmpty()) {
                errors.put(id, messages.stream().map(ValidationMessage::getMessage).sorted().toList());
            }
        });

        assertThat(errors).isEmpty();
    }

    @Test
    void outputs_whenStackIsDeployed_nameEveryEntryPointAndTheQueue() {
        JsonNode outputs = template.path("Outputs");
        List<String> values = new ArrayList<>();
        outputs.forEach(output -> values.add(output.path("Value").toString()));

        assertThat(values).anySatisfy(v -> assertThat(v).contains("${" + idOfType("AWS::Serverless::HttpApi") + "}"));
        assertThat(values).contains(refJson(functionId() + ".Alias"));
        assertThat(values).contains(refJson(idOfType("AWS::Serverless::StateMachine")));
        assertThat(values).contains(refJson(idOfType("AWS::SQS::Queue")));
    }

    @Test
    void eventSamples_whenRead_areValidJsonListedInTheReadme() throws IOException {
        List<Path> samples = samples();
        String readme = Files.readString(EVENTS.resolve("README.md"));

        assertThat(samples).isNotEmpty();
        for (Path sample : samples) {
            assertThatCode(() -> readJson(sample)).as(sample.toString()).doesNotThrowAnyException();
            assertThat(readme).as("README row for %s", sample).contains("`" + sample.getFileName() + "`");
        }
    }

    @Test
    void eventSamples_whenDecoded_giveTheTriggerAndValidityTheirNameSays() throws IOException {
        Map<String, Trigger> triggers = Map.of(
                "http-api.json", Trigger.HTTP_API,
                "invalid-http-api.json", Trigger.HTTP_API,
                "rest-api.json", Trigger.REST_API,
                "eventbridge-rule.json", Trigger.EVENTBRIDGE,
                "scheduler.json", Trigger.DIRECT,
                "stepfunctions.json", Trigger.DIRECT,
                "invalid-stepfunctions.json", Trigger.DIRECT);
        List<String> names = samples().stream().map(p -> p.getFileName().toString()).toList();
        assertThat(names).containsExactlyInAnyOrderElementsOf(triggers.keySet());

        for (String name : names) {
            EventDecoder.Decoded decoded = EventDecoder.decode(Files.readAllBytes(EVENTS.resolve(name)));
            JoinRequest.Validation validation = JoinRequest.validate(decoded.request());

            assertThat(decoded.trigger()).as(name).isEqualTo(triggers.get(name));
            assertThat(decoded.problems()).as(name).isEmpty();
            if (name.startsWith("invalid-")) {
                assertThat(validation).as(name).isInstanceOf(JoinRequest.Validation.Invalid.class);
            } else {
                assertThat(validation).as(name).isInstanceOf(JoinRequest.Validation.Valid.class);
            }
        }
        JoinRequest.Validation invalidHttp = JoinRequest.validate(
                EventDecoder.decode(Files.readAllBytes(EVENTS.resolve("invalid-http-api.json"))).request());
        assertThat(((JoinRequest.Validation.Invalid) invalidHttp).problems())
                .as("a 400 listing both fields")
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("channelArn:"))
                .anySatisfy(p -> assertThat(p).startsWith("clientId:"));
    }

    private void assertFailedJoinsQueue(String queueId) {
        JsonNode queue = resource(queueId);
        assertThat(queue.path("Type").asText()).isEqualTo("AWS::SQS::Queue");
        JsonNode properties = queue.path("Properties");
        assertThat(properties.path("MessageRetentionPeriod").asInt()).as("14 days").isEqualTo(14 * 24 * 3600);
        assertThat(properties.path("SqsManagedSseEnabled").asBoolean() || properties.has("KmsMasterKeyId"))
                .as("encrypted at rest").isTrue();
    }

    private JsonNode function() {
        return resource(functionId()).path("Properties");
    }

    private String functionId() {
        return idOfType("AWS::Serverless::Function");
    }

    private JsonNode stateMachine() {
        return resource(idOfType("AWS::Serverless::StateMachine"));
    }

    private JsonNode definition() {
        return stateMachine().path("Properties").path("Definition");
    }

    private JsonNode joinTask() {
        JsonNode task = definition().path("States").path(definition().path("StartAt").asText());
        assertThat(task.path("Type").asText()).isEqualTo("Task");
        return task;
    }

    private Set<String> stateMachineErrorNames() {
        Set<String> names = new LinkedHashSet<>();
        definition().path("States").forEach(state -> Stream.of("Retry", "Catch")
                .forEach(key -> state.path(key).forEach(rule -> names.addAll(textList(rule.path("ErrorEquals"))))));
        return names;
    }

    private static Set<String> projectErrors(Set<String> names) {
        Set<String> project = new LinkedHashSet<>();
        for (String name : names) {
            if (name.startsWith(ERRORS_PACKAGE)) {
                project.add(name);
            }
        }
        return project;
    }

    /** The error name a reason reaches Step Functions under: its exception class, named after the reason's code. */
    private static String errorName(Reason reason) {
        return ERRORS_PACKAGE + reason.code() + "Exception";
    }

    /** The function's variables, with {@code !Ref AWS::StackName} as {@link #STACK_NAME} and parameters' defaults. */
    private Map<String, String> environment() {
        Map<String, String> variables = new LinkedHashMap<>();
        function().path("Environment").path("Variables").properties().forEach(e -> {
            JsonNode value = e.getValue();
            if (value.has("Ref")) {
                String name = ref(value);
                variables.put(e.getKey(), name.equals("AWS::StackName") ? STACK_NAME : parameterDefault(name));
            } else {
                variables.put(e.getKey(), value.asText());
            }
        });
        return variables;
    }

    private static long number(Map<String, String> variables, String name) {
        return Long.parseLong(variables.get(name));
    }

    /** The {@code Properties} of every event of the given type across the template's functions. */
    private Map<String, JsonNode> events(String type) {
        Map<String, JsonNode> events = new LinkedHashMap<>();
        resourcesOfType("AWS::Serverless::Function").forEach((id, function) ->
                function.path("Properties").path("Events").properties().forEach(e -> {
                    if (e.getValue().path("Type").asText().equals(type)) {
                        events.put(id + "." + e.getKey(), e.getValue().path("Properties"));
                    }
                }));
        return events;
    }

    /** One property of every function event that has it, whatever the event type. */
    private List<JsonNode> eventProperties(String name) {
        List<JsonNode> values = new ArrayList<>();
        resourcesOfType("AWS::Serverless::Function").forEach((id, function) ->
                function.path("Properties").path("Events").forEach(event -> {
                    if (event.path("Properties").has(name)) {
                        values.add(event.path("Properties").get(name));
                    }
                }));
        return values;
    }

    private Map<String, JsonNode> resourcesOfType(String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        template.path("Resources").properties().forEach(e -> {
            if (e.getValue().path("Type").asText().equals(type)) {
                found.put(e.getKey(), e.getValue());
            }
        });
        return found;
    }

    private String idOfType(String type) {
        Map<String, JsonNode> found = resourcesOfType(type);
        assertThat(found).as("resources of type %s", type).hasSize(1);
        return found.keySet().iterator().next();
    }

    private JsonNode resource(String id) {
        JsonNode resource = template.path("Resources").path(id);
        assertThat(resource.isObject()).as("resource %s", id).isTrue();
        return resource;
    }

    private JsonNode parameter(String name) {
        JsonNode parameter = template.path("Parameters").path(name);
        assertThat(parameter.isObject()).as("parameter %s", name).isTrue();
        return parameter;
    }

    private String parameterDefault(String name) {
        return parameter(name).path("Default").asText();
    }

    /** The name in {@code {"Ref": name}}, failing if the node is anything else. */
    private static String ref(JsonNode node) {
        assertThat(node.isObject() && node.size() == 1 && node.path("Ref").isTextual())
                .as("expected a Ref, found %s", node).isTrue();
        return node.path("Ref").asText();
    }

    private static String refJson(String name) {
        return "{\"Ref\":\"" + name + "\"}";
    }

    /** The resource in {@code {"Fn::GetAtt": [id, "Arn"]}}. */
    private static String getAttArn(JsonNode node) {
        JsonNode getAtt = node.path("Fn::GetAtt");
        assertThat(textList(getAtt)).as("expected GetAtt <id>.Arn, found %s", node).hasSize(2).endsWith("Arn");
        return getAtt.get(0).asText();
    }

    private static List<String> textList(JsonNode node) {
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        List<String> values = new ArrayList<>();
        node.forEach(item -> values.add(item.isTextual() ? item.asText() : item.toString()));
        return values;
    }

    /** Every literal string in a node, at any depth, outside intrinsic functions' reference names. */
    private static List<String> literalStrings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isTextual()) {
            values.add(node.asText());
        } else if (node.isObject() && !node.has("Ref")) {
            node.forEach(child -> values.addAll(literalStrings(child)));
        } else if (node.isArray()) {
            node.forEach(child -> values.addAll(literalStrings(child)));
        }
        return values;
    }

    private static void collectStatements(JsonNode node, List<JsonNode> statements) {
        if (node.isObject()) {
            if (node.has("Effect") && (node.has("Action") || node.has("NotAction"))) {
                statements.add(node);
            }
            node.forEach(child -> collectStatements(child, statements));
        } else if (node.isArray()) {
            node.forEach(child -> collectStatements(child, statements));
        }
    }

    /** The schema definition whose {@code Type} enum names the resource type, as SAM's schema note advises. */
    private static String definitionFor(JsonNode definitions, String type) {
        List<String> names = new ArrayList<>();
        definitions.properties().forEach(e -> {
            if (textList(e.getValue().path("properties").path("Type").path("enum")).contains(type)) {
                names.add(e.getKey());
            }
        });
        assertThat(names).as("schema definitions for %s", type).hasSize(1);
        return names.get(0);
    }

    private static List<Path> samples() throws IOException {
        try (Stream<Path> files = Files.list(EVENTS)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    private static JsonNode readJson(Path path) {
        try {
            return JSON.readTree(path.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    /** {@code Fn::Sub} evaluated with the template parameters' defaults. */
    private static final class Sub {
        private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

        private Sub() {
        }

        static String withDefaults(JsonNode node, JsonNode parameters) {
            String text = text(node);
            Matcher m = VARIABLE.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String name = m.group(1);
                String value;
                if (name.startsWith("!")) {
                    value = "${" + name.substring(1) + "}";
                } else {
                    JsonNode parameterDefault = parameters.path(name).path("Default");
                    assertThat(parameterDefault.isValueNode())
                            .as("${%s} must be a template parameter with a default", name).isTrue();
                    value = parameterDefault.asText();
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return out.toString();
        }

        static List<String> variables(JsonNode node) {
            List<String> names = new ArrayList<>();
            Matcher m = VARIABLE.matcher(text(node));
            while (m.find()) {
                if (!m.group(1).startsWith("!")) {
                    names.add(m.group(1));
                }
            }
            return names;
        }

        private static String text(JsonNode node) {
            JsonNode sub = node.path("Fn::Sub");
            assertThat(sub.isTextual()).as("expected !Sub with a single string, found %s", node).isTrue();
            return sub.asText();
        }
    }

    /**
     * Reads a CloudFormation YAML template into a JSON tree, turning short-form intrinsics into their long form:
     * Jackson's own tree reader would drop the tags and keep only the values.
     */
    static final class CfnYaml {
        private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

        private CfnYaml() {
        }

        static JsonNode read(Path path) {
            try (var parser = new YAMLFactory().createParser(path.toFile())) {
                parser.nextToken();
                return node(parser);
            } catch (IOException e) {
                throw new UncheckedIOException(path + ": " + e.getMessage(), e);
            }
        }

        private static JsonNode node(com.fasterxml.jackson.dataformat.yaml.YAMLParser parser) throws IOException {
            String tag = parser.getTypeId();
            JsonNode value = switch (parser.currentToken()) {
                case START_OBJECT -> {
                    ObjectNode object = NODES.objectNode();
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String name = parser.currentName();
                        parser.nextToken();
                        object.set(name, node(parser));
                    }
                    yield object;
                }
                case START_ARRAY -> {
                    ArrayNode array = NODES.arrayNode();
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        array.add(node(parser));
                    }
                    yield array;
                }
                case VALUE_STRING -> NODES.textNode(parser.getText());
                case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.INT
                        ? NODES.numberNode(parser.getIntValue())
                        : NODES.numberNode(parser.getBigIntegerValue());
                case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDecimalValue());
                case VALUE_TRUE -> NODES.booleanNode(true);
                case VALUE_FALSE -> NODES.booleanNode(false);
                case VALUE_NULL -> NODES.nullNode();
                default -> throw new IOException("unexpected " + parser.currentToken() + " at "
                        + parser.currentLocation());
            };
            return tag == null ? value : intrinsic(tag, value);
        }

        private static JsonNode intrinsic(String tag, JsonNode value) {
            ObjectNode longForm = NODES.objectNode();
            switch (tag) {
                case "Ref", "Condition" -> longForm.set(tag, value);
                case "GetAtt" -> {
                    if (value.isTextual()) {
                        ArrayNode parts = NODES.arrayNode();
                        Arrays.stream(value.asText().split("\\.", 2)).forEach(parts::add);
                        longForm.set("Fn::GetAtt", parts);
                    } else {
                        longForm.set("Fn::GetAtt", value);
                    }
                }
                default -> longForm.set("Fn::" + tag, value);
            }
            return longForm;
        }
    }
}
