package dev.kvsjoin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kvsjoin.testing.LocalStepFunctions;
import dev.kvsjoin.testing.StateMachineDefinitions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every state machine of {@code template.yaml}, substituted as CloudFormation would with a deployed stack's values,
 * passes an independent Amazon States Language validator ({@code asl-validator}, with its ARN and path checks).
 */
class StateMachineValidationTest {

    private static final Path TEMPLATE = Path.of("template.yaml");

    @Test
    void definitions_whenSubstitutedAsDeployed_passAslValidator() {
        Map<String, ObjectNode> definitions = StateMachineDefinitions.read(TEMPLATE);

        Map<String, List<String>> findings = LocalStepFunctions.validate(definitions);

        assertThat(definitions).containsKeys("JoinStateMachine", "FleetStateMachine");
        assertThat(findings).containsOnlyKeys(definitions.keySet());
        findings.forEach((id, errors) -> assertThat(errors).as(id).isEmpty());
    }

    @Test
    void fleetItemProcessor_whenRunOnItsOwn_isAValidStateMachine() {
        ObjectNode processor = FleetDefinition.itemProcessor(StateMachineDefinitions.read(TEMPLATE));

        assertThat(LocalStepFunctions.validate(Map.of("ItemProcessor", processor)).get("ItemProcessor")).isEmpty();
    }

    @Test
    void validator_whenDefinitionIsBroken_reportsTheProblem() {
        ObjectNode noExecutionType = StateMachineDefinitions.read(TEMPLATE).get(FleetDefinition.STATE_MACHINE);
        ((ObjectNode) noExecutionType.path("States").path(FleetDefinition.JSON_MAP).path("ItemProcessor")
                .path("ProcessorConfig")).remove("ExecutionType");
        ObjectNode danglingNext = StateMachineDefinitions.read(TEMPLATE).get(FleetDefinition.STATE_MACHINE);
        ((ObjectNode) danglingNext.path("States").path("Summarise")).remove("End");
        ((ObjectNode) danglingNext.path("States").path("Summarise")).put("Next", "NoSuchState");

        Map<String, List<String>> findings = LocalStepFunctions.validate(
                Map.of("noExecutionType", noExecutionType, "danglingNext", danglingNext));

        assertThat(findings.get("noExecutionType")).anySatisfy(e -> assertThat(e).contains("ProcessorConfig"));
        assertThat(findings.get("danglingNext")).anySatisfy(e -> assertThat(e).contains("NoSuchState"));
    }
}
