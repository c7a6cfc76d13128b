package dev.kvsjoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.kvsjoin.auth.AuthConfig;
import dev.kvsjoin.config.Settings;
import dev.kvsjoin.errors.JoinException;
import dev.kvsjoin.join.JoinRequest;
import dev.kvsjoin.join.Reason;
import dev.kvsjoin.json.Json;
import dev.kvsjoin.testing.CfnYaml;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks {@code template.yaml} against the code it deploys and against SAM's own schema: what the template names
 * must exist, what it promises (least privilege, no lost asynchronous failure, valid scheduled input) must hold.
 *
 * <p>The template is read with CloudFormation's short tags kept as their long form ({@link CfnYaml}), so a check can
 * tell a parameter reference from a literal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemplateTest {

    private static final Path TEMPLATE = Path.of("template.yaml");
    private static final Path EVENTS = Path.of("events");
    private static final String ERRORS_PACKAGE = "dev.kvsjoin.errors.";
    private static final String JOIN_STATE_MACHINE = "JoinStateMachine";
    private static final String FLEET_STATE_MACHINE = "FleetStateMachine";
    private static final String JSON_MAP = "JoinJsonManifest";
    private static final String CSV_MAP = "JoinCsvManifest";
    /** The function's MAX_BATCH_ITEMS (docs: the batch contract): a bigger batch is refused as a whole. */
    private static final int MAX_BATCH_ITEMS = 50;
    /** BATCH_JOINS_PER_SECOND's default: the join rate ceiling of one invocation. */
    private static final int DEFAULT_BATCH_JOINS_PER_SECOND = 10;
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
                "ENDPOINT_CACHE_TTL_SECONDS", "ENDPOINT_CACHE_SIZE", "JOIN_TRUST_STORE", "BATCH_PARALLELISM",
                "BATCH_JOINS_PER_SECOND", "API_AUTH", "CLIENT_ID_BINDING", "JWT_SUBJECT_CLAIM", "JWT_CHANNELS_CLAIM",
                "JWT_SCOPE_PREFIX");
        assertThat(settings.serviceName()).as("the stack name").isEqualTo(STACK_NAME);
        assertThat(settings.metricsNamespace()).isEqualTo(parameterDefault("MetricsNamespace"));
        assertThat(settings.connectTimeout().toMillis()).isEqualTo(number(variables, "JOIN_CONNECT_TIMEOUT_MS"));
        assertThat(settings.readTimeout().toMillis()).isEqualTo(number(variables, "JOIN_READ_TIMEOUT_MS"));
        assertThat(settings.maxAttempts()).isEqualTo(number(variables, "JOIN_MAX_ATTEMPTS"));
        assertThat(settings.endpointCacheTtl().toSeconds()).isEqualTo(number(variables, "ENDPOINT_CACHE_TTL_SECONDS"));
        assertThat(settings.endpointCacheSize()).isEqualTo(number(variables, "ENDPOINT_CACHE_SIZE"));
        assertThat(settings.trustStore()).isEqualTo(variables.get("JOIN_TRUST_STORE"));
        assertThat(settings.batchParallelism()).isEqualTo(number(variables, "BATCH_PARALLELISM"));
        assertThat(settings.batchJoinsPerSecond()).isEqualTo(number(variables, "BATCH_JOINS_PER_SECOND"));
        assertThat(settings.auth()).as("the template's defaults are the function's").isEqualTo(AuthConfig.DEFAULTS);
    }

    @Test
    void environment_whenAnAuthParameterTakesAnyAllowedValue_settingsReadThatValue() {
        for (String mode : textList(parameter("ApiAuthMode").path("AllowedValues"))) {
            Settings settings = Settings.from(environment(Map.of("ApiAuthMode", mode)));

            assertThat(settings.auth().mode().name()).as("ApiAuthMode %s", mode).isEqualTo(mode);
        }
        for (String binding : textList(parameter("ClientIdBinding").path("AllowedValues"))) {
            Settings settings = Settings.from(environment(Map.of("ClientIdBinding", binding)));

            assertThat(settings.auth().binding().name()).as("ClientIdBinding %s", binding)
                    .isEqualToIgnoringCase(binding);
        }
        Settings custom = Settings.from(environment(Map.of("JwtSubjectClaim", "email", "JwtChannelsClaim",
                "custom:kvs_channels", "JwtScopePrefix", "https://kvs.example.com/join:")));
        assertThat(custom.auth()).isEqualTo(new AuthConfig(AuthConfig.Mode.IAM, AuthConfig.Binding.PREFIX, "email",
                "custom:kvs_channels", "https://kvs.example.com/join:"));
    }

    @ParameterizedTest
    @EnumSource(AuthConfig.Mode.class)
    void httpApi_whenDeployedInAMode_putsThatModesAuthorizerOnEveryRoute(AuthConfig.Mode mode) {
        Map<String, String> parameters = Map.of("ApiAuthMode", mode.name());
        Map<String, JsonNode> routes = resourcesOfType("AWS::ApiGatewayV2::Route");
        List<String> keys = new ArrayList<>();
        routes.values().forEach(route -> keys.add(route.path("Properties").path("RouteKey").asText()));
        assertThat(keys).containsExactlyInAnyOrder("POST /join",
                "POST /channels/{" + EventDecoder.CHANNEL_PARAMETER + "}/join");
        assertThat(events("HttpApi")).as("no SAM HttpApi event: its Auth takes no condition").isEmpty();
        String api = idOfType("AWS::ApiGatewayV2::Api");
        String authorizerId = idOfType("AWS::ApiGatewayV2::Authorizer");
        JsonNode authorizer = resource(authorizerId);

        assertThat(condition(authorizer.path("Condition").asText(), parameters)).as("JWT authorizer deployed")
                .isEqualTo(mode == AuthConfig.Mode.JWT);
        routes.forEach((id, route) -> {
            JsonNode properties = route.path("Properties");
            assertThat(ref(properties.path("ApiId"))).as(id).isEqualTo(api);
            JsonNode type = resolve(properties.path("AuthorizationType"), parameters);
            JsonNode authorizerRef = resolve(properties.path("AuthorizerId"), parameters);
            if (mode == AuthConfig.Mode.IAM) {
                assertThat(type.asText()).as(id).isEqualTo("AWS_IAM");
                assertThat(authorizerRef.isMissingNode()).as("%s: no authorizer id with AWS_IAM", id).isTrue();
            } else {
                assertThat(type.asText()).as(id).isEqualTo("JWT");
                assertThat(ref(authorizerRef)).as(id).isEqualTo(authorizerId);
            }
            String integration = properties.path("Target").path("Fn::Sub").asText();
            assertThat(integration).as(id).isEqualTo("integrations/${" + idOfType("AWS::ApiGatewayV2::Integration")
                    + "}");
        });
        JsonNode jwt = authorizer.path("Properties");
        assertThat(ref(jwt.path("ApiId"))).isEqualTo(api);
        assertThat(jwt.path("AuthorizerType").asText()).isEqualTo("JWT");
        assertThat(textList(jwt.path("IdentitySource"))).containsExactly("$request.header.Authorization");
        assertThat(ref(jwt.path("JwtConfiguration").path("Issuer"))).isEqualTo("JwtIssuer");
        assertThat(ref(jwt.path("JwtConfiguration").path("Audience"))).isEqualTo("JwtAudiences");
        assertThat(parameter("JwtAudiences").path("Type").asText()).isEqualTo("CommaDelimitedList");
        assertThat(ref(function().path("Environment").path("Variables").path("API_AUTH")))
                .as("the function knows the identity the routes give").isEqualTo("ApiAuthMode");
    }

    @Test
    void httpApi_whenInvokingTheFunction_sendsPayload2ToTheAliasForItsTwoRoutesOnly() {
        JsonNode integration = resource(idOfType("AWS::ApiGatewayV2::Integration")).path("Properties");
        String alias = functionId() + ".Alias";
        String api = idOfType("AWS::ApiGatewayV2::Api");

        assertThat(integration.path("IntegrationType").asText()).isEqualTo("AWS_PROXY");
        assertThat(ref(integration.path("IntegrationUri"))).isEqualTo(alias);
        assertThat(integration.path("PayloadFormatVersion").asText()).isEqualTo("2.0");
        List<String> sources = new ArrayList<>();
        resourcesOfType("AWS::Lambda::Permission").forEach((id, permission) -> {
            JsonNode properties = permission.path("Properties");
            assertThat(properties.path("Principal").asText()).as(id).isEqualTo("apigateway.amazonaws.com");
            assertThat(properties.path("Action").asText()).as(id).isEqualTo("lambda:InvokeFunction");
            assertThat(ref(properties.path("FunctionName"))).as(id).isEqualTo(alias);
            sources.add(properties.path("SourceArn").path("Fn::Sub").asText());
        });
        String prefix = "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${" + api + "}/*/";
        assertThat(sources).containsExactlyInAnyOrder(prefix + "POST/join", prefix + "POST/channels/*/join");
        JsonNode stage = resource(idOfType("AWS::ApiGatewayV2::Stage")).path("Properties");
        assertThat(stage.path("StageName").asText()).isEqualTo("$default");
        assertThat(stage.path("AutoDeploy").asBoolean()).isTrue();
    }

    /** A claim name the template accepts is one the function accepts at init, and the other way round. */
    @ParameterizedTest
    @ValueSource(strings = {"sub", "kvs_channels", "kvs/join:", "custom:kvs_channels", "https://kvs.example.com/j:",
        "a\\b", "~!#$%&'()*+-./:;<=>?@^_`{|}", "a b", "a,b", "[x]", "\"q\"", "", "tab\there", "caf\u00e9"})
    void jwtNameParameters_whenGivenAValue_acceptExactlyWhatTheSettingsAccept(String value) {
        for (String parameter : List.of("JwtSubjectClaim", "JwtChannelsClaim", "JwtScopePrefix")) {
            boolean template = java.util.regex.Pattern.matches(
                    parameter(parameter).path("AllowedPattern").asText(), value);
            boolean settings;
            try {
                Settings.from(environment(Map.of(parameter, value)));
                settings = !value.isEmpty();
            } catch (dev.kvsjoin.config.ConfigurationException e) {
                settings = false;
            }
            assertThat(template).as("%s = %s", parameter, value).isEqualTo(settings);
        }
    }

    @Test
    void rules_whenJwtMode_requireAnIssuerAndAnAudience() {
        JsonNode rule = template.path("Rules").path("JwtModeNeedsIssuerAndAudience");

        assertThat(rule.path("RuleCondition").toString())
                .isEqualTo("{\"Fn::Equals\":[{\"Ref\":\"ApiAuthMode\"},\"JWT\"]}");
        List<String> asserted = new ArrayList<>();
        rule.path("Assertions").forEach(a -> asserted.add(a.path("Assert").toString()));
        assertThat(asserted).anySatisfy(a -> assertThat(a).contains("JwtIssuer"))
                .anySatisfy(a -> assertThat(a).contains("JwtAudiences"));
        assertThat(parameterDefault("ApiAuthMode")).as("IAM stays the default").isEqualTo("IAM");
        assertThat(parameterDefault("ClientIdBinding")).isEqualTo("prefix");
    }

    @Test
    void policies_whenFunctionCallsKinesisVideo_allowExactlyTheTwoCallsOnTheChannelParameter() {
        JsonNode policies = function().path("Policies");
        assertThat(policies.isArray()).as("Policies must be a list of inline documents").isTrue();
        assertThat(policies).as("no managed policies or policy templates: only what SAM adds for logs").hasSize(1);

        JsonNode statements = policies.get(0).path("Statement");
        assertThat(statements).as("Kinesis Video calls and the fleet results").hasSize(2);
        JsonNode statement = statementWithAction(statements, "kinesisvideo:JoinStorageSessionAsViewer");

        assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
        assertThat(textList(statement.path("Action"))).containsExactlyInAnyOrderElementsOf(KINESIS_VIDEO_ACTIONS);
        JsonNode channels = parameter(ref(statement.path("Resource")));
        assertThat(channels.path("Type").asText()).isEqualTo("CommaDelimitedList");
    }

    @Test
    void policies_whenFunctionSummarisesAFleetRun_mayOnlyReadTheResultsBucket() {
        JsonNode statement = statementWithAction(function().path("Policies").get(0).path("Statement"),
                "s3:GetObject");

        assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
        assertThat(textList(statement.path("Action"))).containsExactly("s3:GetObject");
        assertThat(statement.path("Resource").path("Fn::Sub").asText())
                .isEqualTo("${" + resultsBucketId() + ".Arn}/" + resultsPrefix() + "/*");
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

        assertThat(values).anySatisfy(v -> assertThat(v).contains("${" + idOfType("AWS::ApiGatewayV2::Api") + "}"));
        assertThat(values).contains(refJson(functionId() + ".Alias"));
        assertThat(values).contains(refJson(JOIN_STATE_MACHINE), refJson(FLEET_STATE_MACHINE));
        assertThat(values).contains(refJson(idOfType("AWS::SQS::Queue")));
        assertThat(values).contains(refJson(idOfType("AWS::S3::Bucket")), refJson(idOfType("AWS::Scheduler::Schedule")));
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
                "http-api-jwt.json", Trigger.HTTP_API,
                "invalid-http-api.json", Trigger.HTTP_API,
                "invalid-method-http-api.json", Trigger.HTTP_API,
                "rest-api.json", Trigger.REST_API,
                "eventbridge-rule.json", Trigger.EVENTBRIDGE,
                "scheduler.json", Trigger.DIRECT,
                "stepfunctions.json", Trigger.DIRECT,
                "invalid-stepfunctions.json", Trigger.DIRECT);
        List<String> names = samples().stream().map(p -> p.getFileName().toString())
                .filter(n -> !n.startsWith("batch-")).toList();
        assertThat(names).containsExactlyInAnyOrderElementsOf(triggers.keySet());

        for (String name : names) {
            EventDecoder.Decoded decoded = EventDecoder.decode(Files.readAllBytes(EVENTS.resolve(name)));

            assertThat(decoded.trigger()).as(name).isEqualTo(triggers.get(name));
            if (name.equals("invalid-method-http-api.json")) {
                assertThat(decoded).as(name).isInstanceOf(EventDecoder.Decoded.MethodNotAllowed.class);
                continue;
            }
            assertThat(decoded).as(name).isInstanceOf(EventDecoder.Decoded.Request.class);
            JoinRequest.Validation validation = JoinRequest.validate(((EventDecoder.Decoded.Request) decoded).request());
            if (name.startsWith("invalid-")) {
                assertThat(validation).as(name).isInstanceOf(JoinRequest.Validation.Invalid.class);
            } else {
                assertThat(validation).as(name).isInstanceOf(JoinRequest.Validation.Valid.class);
            }
        }
        JoinRequest.Validation invalidHttp = JoinRequest.validate(((EventDecoder.Decoded.Request) EventDecoder.decode(
                Files.readAllBytes(EVENTS.resolve("invalid-http-api.json")))).request());
        assertThat(((JoinRequest.Validation.Invalid) invalidHttp).problems())
                .as("a 400 listing both fields")
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("channelArn:"))
                .anySatisfy(p -> assertThat(p).startsWith("clientId:"));
    }

    @Test
    void fleetStateMachine_whenReadingAManifest_batchesItemsIntoDistributedChildExecutions() {
        Map<String, JsonNode> maps = fleetMaps();
        assertThat(maps).containsOnlyKeys(JSON_MAP, CSV_MAP);

        for (Map.Entry<String, JsonNode> e : maps.entrySet()) {
            JsonNode map = e.getValue();
            String as = e.getKey();
            assertThat(map.path("ItemProcessor").path("ProcessorConfig").path("Mode").asText()).as(as)
                    .isEqualTo("DISTRIBUTED");
            assertThat(map.path("ItemProcessor").path("ProcessorConfig").path("ExecutionType").asText()).as(as)
                    .isEqualTo("STANDARD");
            JsonNode reader = map.path("ItemReader");
            assertThat(reader.path("Resource").asText()).as(as).isEqualTo("arn:aws:states:::s3:getObject");
            assertThat(reader.path("Parameters").path("Bucket.$").asText()).as(as).isEqualTo("$.bucket");
            assertThat(reader.path("Parameters").path("Key.$").asText()).as(as).isEqualTo("$.key");
            JsonNode batcher = map.path("ItemBatcher");
            assertThat(batcher.path("BatchInput").path("attempt").asInt()).as(as).isEqualTo(1);
            assertThat(configuredParameter(batcher.path("MaxItemsPerBatchPath"))).as(as)
                    .isEqualTo("FleetMaxItemsPerBatch");
            assertThat(configuredParameter(map.path("MaxConcurrencyPath"))).as(as).isEqualTo("FleetMaxConcurrency");
            assertThat(configuredParameter(map.path("ToleratedFailurePercentagePath"))).as(as)
                    .isEqualTo("FleetToleratedFailurePercentage");
            JsonNode writer = map.path("ResultWriter");
            assertThat(writer.path("Resource").asText()).as(as).isEqualTo("arn:aws:states:::s3:putObject");
            assertThat(ref(substitution(FLEET_STATE_MACHINE, writer.path("Parameters").path("Bucket"))))
                    .as(as).isEqualTo(resultsBucketId());
            assertThat(map.path("Next").asText()).as(as).isEqualTo("Summarise");
        }
        assertThat(maps.get(JSON_MAP).path("ItemReader").path("ReaderConfig").path("InputType").asText())
                .isEqualTo("JSON");
        JsonNode csv = maps.get(CSV_MAP).path("ItemReader").path("ReaderConfig");
        assertThat(csv.path("InputType").asText()).isEqualTo("CSV");
        assertThat(csv.path("CSVHeaderLocation").asText()).isEqualTo("FIRST_ROW");
    }

    @Test
    void fleetStateMachine_whenTheKeyEndsInCsv_readsItAsCsvAndAnyOtherKeyAsJson() {
        JsonNode choice = fleetDefinition().path("States").path("ManifestFormat");

        assertThat(choice.path("Type").asText()).isEqualTo("Choice");
        assertThat(choice.path("Default").asText()).isEqualTo(JSON_MAP);
        JsonNode rule = choice.path("Choices").get(0);
        assertThat(rule.path("Next").asText()).isEqualTo(CSV_MAP);
        List<String> patterns = new ArrayList<>();
        rule.path("Or").forEach(c -> {
            assertThat(c.path("Variable").asText()).isEqualTo("$.key");
            patterns.add(c.path("StringMatches").asText());
        });
        assertThat(patterns).containsExactlyInAnyOrder("*.csv", "*.CSV");
    }

    @Test
    void fleetStateMachine_whenBothReadersBatch_runTheSameItemProcessor() throws IOException {
        JsonNode json = fleetMaps().get(JSON_MAP).path("ItemProcessor");
        String csv = JSON.writeValueAsString(fleetMaps().get(CSV_MAP).path("ItemProcessor"));
        List<String> names = new ArrayList<>();
        json.path("States").fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            assertThat(name).startsWith("Json");
            csv = csv.replace("\"Csv" + name.substring("Json".length()) + "\"", "\"" + name + "\"");
        }

        assertThat(JSON.readTree(csv)).isEqualTo(json);
    }

    @Test
    void fleetStateMachine_whenInvokingTheFunction_retriesTransientErrorsAndCatchesBatchFailures() {
        Set<String> transientErrors = new LinkedHashSet<>();
        for (Reason reason : Reason.values()) {
            if (reason.isTransient()) {
                transientErrors.add(errorName(reason));
            }
        }
        Map<String, JsonNode> tasks = new LinkedHashMap<>();
        allStates(fleetDefinition()).forEach((name, state) -> {
            if (state.path("Type").asText().equals("Task")) {
                tasks.put(name, state);
            }
        });
        assertThat(tasks).containsOnlyKeys("JsonJoinBatch", "CsvJoinBatch", "Summarise");

        tasks.forEach((name, task) -> {
            assertThat(task.path("Resource").asText()).as(name).isEqualTo("arn:aws:states:::lambda:invoke");
            assertThat(ref(substitution(FLEET_STATE_MACHINE, task.path("Parameters").path("FunctionName"))))
                    .as(name).isEqualTo(functionId() + ".Alias");
            assertThat(task.path("TimeoutSeconds").asInt()).as(name).isGreaterThan(function().path("Timeout").asInt());
            Set<String> retried = new LinkedHashSet<>();
            task.path("Retry").forEach(retrier -> {
                retried.addAll(textList(retrier.path("ErrorEquals")));
                assertThat(retrier.path("BackoffRate").asDouble()).as(name).isGreaterThan(1.0);
                assertThat(retrier.path("JitterStrategy").asText()).as(name).isEqualTo("FULL");
            });
            assertThat(projectErrors(retried)).as(name).containsExactlyInAnyOrderElementsOf(transientErrors);
            assertThat(retried).as(name).containsAll(LAMBDA_SERVICE_ERRORS).doesNotContain("States.ALL");
        });
        for (String batch : List.of("JsonJoinBatch", "CsvJoinBatch")) {
            JsonNode catcher = tasks.get(batch).path("Catch").get(0);
            assertThat(textList(catcher.path("ErrorEquals"))).as(batch).containsExactly("States.ALL");
            assertThat(allStates(fleetDefinition())).as(batch).containsKey(catcher.path("Next").asText());
        }
    }

    @Test
    void fleetStateMachine_policies_reachOnlyTheManifestsTheResultsItsOwnExecutionsAndTheAlias() {
        JsonNode properties = resource(FLEET_STATE_MACHINE).path("Properties");
        String name = "${AWS::StackName}-fleet";
        String arnPrefix = "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:";
        assertThat(properties.path("Name").path("Fn::Sub").asText()).isEqualTo(name);
        JsonNode policies = properties.path("Policies");
        assertThat(policies).as("one inline document, no policy templates").hasSize(1);
        JsonNode statements = policies.get(0).path("Statement");
        Map<String, List<String>> granted = new TreeMap<>();
        statements.forEach(statement -> {
            assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
            assertThat(statement.has("NotAction") || statement.has("NotResource") || statement.has("Condition"))
                    .isFalse();
            List<String> resources = new ArrayList<>();
            JsonNode resource = statement.path("Resource");
            (resource.isArray() ? resource : JSON.createArrayNode().add(resource)).forEach(r ->
                    resources.add(r.has("Fn::Sub") ? r.path("Fn::Sub").asText() : "Ref:" + ref(r)));
            for (String action : textList(statement.path("Action"))) {
                granted.computeIfAbsent(action, a -> new ArrayList<>()).addAll(resources);
            }
        });

        assertThat(granted).containsOnlyKeys("lambda:InvokeFunction", "s3:GetObject", "s3:PutObject",
                "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload", "states:StartExecution",
                "states:DescribeExecution", "states:StopExecution");
        assertThat(granted.get("lambda:InvokeFunction")).containsExactly("Ref:" + functionId() + ".Alias");
        String results = "${" + resultsBucketId() + ".Arn}/" + resultsPrefix() + "/*";
        assertThat(granted.get("s3:GetObject")).containsExactlyInAnyOrder(
                "arn:${AWS::Partition}:s3:::${FleetManifestBucket}/${FleetManifestKeyPrefix}*", results);
        for (String write : List.of("s3:PutObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload")) {
            assertThat(granted.get(write)).as(write).containsExactly(results);
        }
        assertThat(granted.get("states:StartExecution")).containsExactly(arnPrefix + "stateMachine:" + name);
        for (String follow : List.of("states:DescribeExecution", "states:StopExecution")) {
            assertThat(granted.get(follow)).as(follow).containsExactlyInAnyOrder(
                    arnPrefix + "execution:" + name + ":*", arnPrefix + "execution:" + name + "/*");
        }
        assertThat(parameter("FleetManifestKeyPrefix").path("AllowedPattern").asText())
                .as("the prefix cannot widen the grant").doesNotContain("*");
    }

    @Test
    void fleetParameters_whenLeftAtTheirDefaults_keepTheFleetUnderTheAccountQuota() {
        assertNumber("FleetMaxItemsPerBatch", 25, 1, MAX_BATCH_ITEMS);
        assertNumber("FleetMaxConcurrency", 4, 1, 40);
        assertNumber("FleetToleratedFailurePercentage", 10, 0, 100);
        assertNumber("FleetResultsRetentionDays", 30, 1, 3650);
        assertNumber("BatchJoinsPerSecond", DEFAULT_BATCH_JOINS_PER_SECOND, 1, 50);
        assertThat(Integer.parseInt(parameterDefault("FleetMaxConcurrency"))
                * Integer.parseInt(parameterDefault("BatchJoinsPerSecond")))
                .as("joins per second at the defaults, at most 80 %% of 50 TPS per account")
                .isLessThanOrEqualTo(40);
        assertThat(parameterDefault("FleetManifestBucket")).as("no fleet until an operator names its bucket")
                .isEmpty();
        for (String id : List.of("FleetStateMachine", resultsBucketId(), "FleetSchedule")) {
            assertThat(resource(id).path("Condition").asText()).as(id).isEqualTo("FleetEnabled");
        }
    }

    @Test
    void fleetResultsBucket_whenCreated_isEncryptedPrivateTlsOnlyAndExpiresResults() {
        JsonNode bucket = resource(resultsBucketId()).path("Properties");

        assertThat(bucket.path("BucketEncryption").path("ServerSideEncryptionConfiguration").get(0)
                .path("ServerSideEncryptionByDefault").path("SSEAlgorithm").asText()).isIn("AES256", "aws:kms");
        JsonNode block = bucket.path("PublicAccessBlockConfiguration");
        for (String setting : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls",
                "RestrictPublicBuckets")) {
            assertThat(block.path(setting).asBoolean()).as(setting).isTrue();
        }
        JsonNode rule = bucket.path("LifecycleConfiguration").path("Rules").get(0);
        assertThat(rule.path("Status").asText()).isEqualTo("Enabled");
        assertThat(ref(rule.path("ExpirationInDays"))).isEqualTo("FleetResultsRetentionDays");

        Map<String, JsonNode> policies = resourcesOfType("AWS::S3::BucketPolicy");
        assertThat(policies).hasSize(1);
        JsonNode policy = policies.values().iterator().next().path("Properties");
        assertThat(ref(policy.path("Bucket"))).isEqualTo(resultsBucketId());
        JsonNode deny = policy.path("PolicyDocument").path("Statement").get(0);
        assertThat(deny.path("Effect").asText()).isEqualTo("Deny");
        assertThat(textList(deny.path("Action"))).containsExactly("s3:*");
        assertThat(deny.path("Condition").path("Bool").path("aws:SecureTransport").asText()).isEqualTo("false");
        assertThat(deny.path("Resource").toString()).contains(resultsBucketId() + "\",\"Arn\"")
                .contains(resultsBucketId() + ".Arn}/*");
    }

    @Test
    void fleetSchedule_whenDeployed_isOffByDefaultStartsOnlyTheFleetAndKeepsItsFailures() {
        JsonNode schedule = resource(idOfType("AWS::Scheduler::Schedule")).path("Properties");

        assertThat(parameterDefault(ref(schedule.path("State")))).isEqualTo("DISABLED");
        JsonNode target = schedule.path("Target");
        assertThat(ref(target.path("Arn"))).isEqualTo(FLEET_STATE_MACHINE);
        assertThat(target.path("RetryPolicy").path("MaximumEventAgeInSeconds").asInt()).isBetween(60, 86_400);
        assertFailedJoinsQueue(getAttArn(target.path("DeadLetterConfig").path("Arn")));
        ObjectNode parameters = template.path("Parameters").deepCopy();
        parameters.set("FleetManifestBucket", JSON.createObjectNode().put("Default", "example-manifests"));
        String input = Sub.withDefaults(target.path("Input"), parameters);
        Object request = Json.parse(input.getBytes(StandardCharsets.UTF_8));
        assertThat(request).isEqualTo(Map.of("bucket", "example-manifests", "key",
                parameterDefault("FleetScheduleManifestKey")));
        assertThat(parameterDefault("FleetScheduleManifestKey")).startsWith(parameterDefault("FleetManifestKeyPrefix"));
        for (String name : Sub.variables(target.path("Input"))) {
            String pattern = parameter(name).path("AllowedPattern").asText();
            assertThat(pattern).as("%s needs an AllowedPattern", name).isNotEmpty();
            assertThat("a\"b").as("%s admits a quote", name).doesNotMatch(pattern);
            assertThat("a\\b").as("%s admits a backslash", name).doesNotMatch(pattern);
        }

        JsonNode role = resource(getAttArn(target.path("RoleArn"))).path("Properties");
        JsonNode trust = role.path("AssumeRolePolicyDocument").path("Statement").get(0);
        assertThat(trust.path("Principal").path("Service").asText()).isEqualTo("scheduler.amazonaws.com");
        assertThat(trust.path("Condition").path("StringEquals").has("aws:SourceAccount")).isTrue();
        List<JsonNode> statements = new ArrayList<>();
        collectStatements(role.path("Policies"), statements);
        assertThat(statements).hasSize(2);
        assertThat(ref(statementWithAction(statements, "states:StartExecution").path("Resource")))
                .isEqualTo(FLEET_STATE_MACHINE);
        assertThat(getAttArn(statementWithAction(statements, "sqs:SendMessage").path("Resource")))
                .isEqualTo(idOfType("AWS::SQS::Queue"));
        statements.forEach(st -> assertThat(textList(st.path("Action"))).hasSize(1));
    }

    private void assertNumber(String name, int defaultValue, int min, int max) {
        JsonNode parameter = parameter(name);
        assertThat(parameter.path("Type").asText()).as(name).isEqualTo("Number");
        assertThat(parameter.path("Default").asInt()).as(name).isEqualTo(defaultValue);
        assertThat(parameter.path("MinValue").asInt()).as(name).isEqualTo(min);
        assertThat(parameter.path("MaxValue").asInt()).as(name).isEqualTo(max);
    }

    private JsonNode fleetDefinition() {
        return resource(FLEET_STATE_MACHINE).path("Properties").path("Definition");
    }

    private Map<String, JsonNode> fleetMaps() {
        Map<String, JsonNode> maps = new LinkedHashMap<>();
        fleetDefinition().path("States").properties().forEach(e -> {
            if (e.getValue().path("Type").asText().equals("Map")) {
                maps.put(e.getKey(), e.getValue());
            }
        });
        return maps;
    }

    /**
     * The template parameter behind a Map field's {@code ...Path}: the path names a field that the first state sets
     * with {@code States.StringToJson('${Substitution}')}, and the substitution is a {@code !Ref} to the parameter.
     */
    private String configuredParameter(JsonNode path) {
        Matcher field = Pattern.compile("\\$\\.(\\w+)").matcher(path.asText());
        assertThat(field.matches()).as("a top-level path, found %s", path).isTrue();
        JsonNode configure = fleetDefinition().path("States").path(fleetDefinition().path("StartAt").asText());
        assertThat(configure.path("Type").asText()).isEqualTo("Pass");
        String expression = configure.path("Parameters").path(field.group(1) + ".$").asText();
        Matcher number = Pattern.compile("States\\.StringToJson\\('\\$\\{(\\w+)}'\\)").matcher(expression);
        assertThat(number.matches()).as("%s is set from a substitution, found %s", path, expression).isTrue();
        JsonNode substitutions = resource(FLEET_STATE_MACHINE).path("Properties").path("DefinitionSubstitutions");
        String name = ref(substitutions.path(number.group(1)));
        assertThat(parameter(name).path("Type").asText()).isEqualTo("Number");
        return name;
    }

    /** The DefinitionSubstitutions value a {@code '${Name}'} field of a definition is replaced with. */
    private JsonNode substitution(String stateMachine, JsonNode field) {
        Matcher matcher = Pattern.compile("\\$\\{(\\w+)}").matcher(field.asText());
        assertThat(matcher.matches()).as("expected a substitution, found %s", field).isTrue();
        JsonNode value = resource(stateMachine).path("Properties").path("DefinitionSubstitutions")
                .path(matcher.group(1));
        assertThat(value.isMissingNode()).as("substitution %s", matcher.group(1)).isFalse();
        return value;
    }

    private String resultsBucketId() {
        return idOfType("AWS::S3::Bucket");
    }

    /** The prefix the ResultWriter writes under, the same in both maps. */
    private String resultsPrefix() {
        Set<String> prefixes = new LinkedHashSet<>();
        fleetMaps().values().forEach(map ->
                prefixes.add(map.path("ResultWriter").path("Parameters").path("Prefix").asText()));
        assertThat(prefixes).hasSize(1);
        return prefixes.iterator().next();
    }

    /** A statement, or the one an {@code Fn::If} adds when its condition holds. */
    private static JsonNode unlessConditional(JsonNode statement) {
        return statement.has("Fn::If") ? statement.path("Fn::If").get(1) : statement;
    }

    private static JsonNode statementWithAction(Iterable<JsonNode> statements, String action) {
        List<JsonNode> found = new ArrayList<>();
        statements.forEach(conditional -> {
            JsonNode statement = unlessConditional(conditional);
            if (textList(statement.path("Action")).contains(action)) {
                found.add(statement);
            }
        });
        assertThat(found).as("statements granting %s", action).hasSize(1);
        return found.get(0);
    }

    @Test
    void batchSamples_whenDecoded_giveTheTriggerTheirNameSaysAndABatchOfJoins() throws IOException {
        Map<String, Trigger> triggers = Map.of(
                "batch-http-api.json", Trigger.HTTP_API,
                "batch-eventbridge-rule.json", Trigger.EVENTBRIDGE,
                "batch-scheduler.json", Trigger.SCHEDULER,
                "batch-stepfunctions.json", Trigger.DIRECT,
                "batch-itembatcher.json", Trigger.DIRECT);
        List<String> names = samples().stream().map(p -> p.getFileName().toString())
                .filter(n -> n.startsWith("batch-")).toList();
        assertThat(names).containsExactlyInAnyOrderElementsOf(triggers.keySet());

        for (String name : names) {
            EventDecoder.Decoded decoded = EventDecoder.decode(Files.readAllBytes(EVENTS.resolve(name)));

            assertThat(decoded.trigger()).as(name).isEqualTo(triggers.get(name));
            assertThat(decoded).as(name).isInstanceOf(EventDecoder.Decoded.Request.class);
            Object body = ((EventDecoder.Decoded.Request) decoded).request();
            assertThat(body).as(name).isInstanceOf(Map.class);
            Map<?, ?> request = (Map<?, ?>) body;
            Object items = request.containsKey("Items") ? request.get("Items") : request.get("joins");
            assertThat(items).as(name).isInstanceOf(List.class);
            for (Object item : (List<?>) items) {
                assertThat(JoinRequest.validate(item)).as(name).isInstanceOf(JoinRequest.Validation.Valid.class);
            }
        }
    }

    @Test
    void fleetSamples_whenRead_nameAManifestWhoseJsonAndCsvFormsHoldTheSameValidItems() throws IOException {
        Path fleet = EVENTS.resolve("fleet");
        String readme = Files.readString(EVENTS.resolve("README.md"));
        JsonNode input = readJson(fleet.resolve("execution-input.json"));
        assertThat(input.properties()).extracting(Map.Entry::getKey).containsExactly("bucket", "key");
        assertThat(input.path("key").asText()).startsWith(parameterDefault("FleetManifestKeyPrefix")).endsWith(".json");

        JsonNode json = readJson(fleet.resolve("manifest.json"));
        List<String> csv = Files.readAllLines(fleet.resolve("manifest.csv"));

        assertThat(csv.get(0)).isEqualTo("channelArn,clientId");
        List<String> rows = new ArrayList<>();
        json.forEach(item -> {
            assertThat(item.properties()).extracting(Map.Entry::getKey).containsExactly("channelArn", "clientId");
            Object request = Json.parse(item.toString().getBytes(StandardCharsets.UTF_8));
            assertThat(JoinRequest.validate(request)).isInstanceOf(JoinRequest.Validation.Valid.class);
            rows.add(item.path("channelArn").asText() + "," + item.path("clientId").asText());
        });
        assertThat(csv.subList(1, csv.size())).isEqualTo(rows);
        for (String file : List.of("execution-input.json", "manifest.json", "manifest.csv")) {
            assertThat(readme).as("README row for fleet/%s", file).contains("`fleet/" + file + "`");
        }
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
        return resource(JOIN_STATE_MACHINE);
    }

    private JsonNode definition() {
        return stateMachine().path("Properties").path("Definition");
    }

    private JsonNode joinTask() {
        JsonNode task = definition().path("States").path(definition().path("StartAt").asText());
        assertThat(task.path("Type").asText()).isEqualTo("Task");
        return task;
    }

    /** Every error name a Retry or Catch of any state machine matches, nested states included. */
    private Set<String> stateMachineErrorNames() {
        Set<String> names = new LinkedHashSet<>();
        resourcesOfType("AWS::Serverless::StateMachine").values().forEach(machine ->
                allStates(machine.path("Properties").path("Definition")).values().forEach(state ->
                        Stream.of("Retry", "Catch").forEach(key -> state.path(key).forEach(rule ->
                                names.addAll(textList(rule.path("ErrorEquals")))))));
        return names;
    }

    /** The states of a definition by name, with those of its Map item processors and Parallel branches. */
    private static Map<String, JsonNode> allStates(JsonNode definition) {
        Map<String, JsonNode> states = new LinkedHashMap<>();
        definition.path("States").properties().forEach(e -> {
            assertThat(states).as("state names are unique across a definition").doesNotContainKey(e.getKey());
            states.put(e.getKey(), e.getValue());
            List<JsonNode> nested = new ArrayList<>();
            nested.add(e.getValue().path("ItemProcessor"));
            e.getValue().path("Branches").forEach(nested::add);
            nested.stream().filter(JsonNode::isObject).forEach(n -> allStates(n).forEach((name, state) -> {
                assertThat(states).as("state names are unique across a definition").doesNotContainKey(name);
                states.put(name, state);
            }));
        });
        return states;
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
        return dev.kvsjoin.trigger.Responses.errorName(reason);
    }

    /** The function's variables as deployed: {@code !Ref AWS::StackName} as {@link #STACK_NAME}, parameters' defaults. */
    private Map<String, String> environment() {
        return environment(Map.of());
    }

    /** The function's environment with {@code !Ref}s resolved: these parameter values, else the defaults. */
    private Map<String, String> environment(Map<String, String> parameters) {
        Map<String, String> variables = new LinkedHashMap<>();
        function().path("Environment").path("Variables").properties()
                .forEach(e -> variables.put(e.getKey(), resolve(e.getValue(), parameters).asText()));
        return variables;
    }

    /** A value with {@code Ref} to a parameter and {@code Fn::If} evaluated; {@code AWS::NoValue} is missing. */
    private JsonNode resolve(JsonNode node, Map<String, String> parameters) {
        if (node.has("Ref") && node.size() == 1) {
            String name = node.path("Ref").asText();
            if (name.equals("AWS::NoValue")) {
                return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
            if (name.equals("AWS::StackName")) {
                return JSON.getNodeFactory().textNode(STACK_NAME);
            }
            if (template.path("Parameters").has(name)) {
                return JSON.getNodeFactory().textNode(parameters.getOrDefault(name, parameterDefault(name)));
            }
            return node;
        }
        if (node.has("Fn::If")) {
            JsonNode branches = node.path("Fn::If");
            return resolve(branches.get(condition(branches.get(0).asText(), parameters) ? 1 : 2), parameters);
        }
        return node;
    }

    /** A condition of the template evaluated with these parameter values, else the defaults. */
    private boolean condition(String name, Map<String, String> parameters) {
        JsonNode definition = template.path("Conditions").path(name);
        assertThat(definition.isObject()).as("condition %s", name).isTrue();
        return evaluate(definition, parameters);
    }

    private boolean evaluate(JsonNode condition, Map<String, String> parameters) {
        if (condition.has("Fn::Equals")) {
            JsonNode operands = condition.path("Fn::Equals");
            return resolve(operands.get(0), parameters).asText().equals(resolve(operands.get(1), parameters).asText());
        }
        if (condition.has("Fn::Not")) {
            return !evaluate(condition.path("Fn::Not").get(0), parameters);
        }
        if (condition.has("Condition")) {
            return condition(condition.path("Condition").asText(), parameters);
        }
        throw new AssertionError("condition not evaluated here: " + condition);
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
        return CfnYaml.resourcesOfType(template, type);
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
}
