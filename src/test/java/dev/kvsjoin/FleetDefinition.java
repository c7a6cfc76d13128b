package dev.kvsjoin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** The parts of the fleet state machine's definition the tests run or compare. */
final class FleetDefinition {

    static final String STATE_MACHINE = "FleetStateMachine";
    /** The Distributed Map reading a JSON manifest, and the one reading a CSV manifest. */
    static final String JSON_MAP = "JoinJsonManifest";
    static final String CSV_MAP = "JoinCsvManifest";

    private FleetDefinition() {
    }

    /**
     * The JSON map's item processor as a state machine of its own, as a child execution runs it: the definition
     * without {@code ProcessorConfig}, which only the Map state reads.
     */
    static ObjectNode itemProcessor(Map<String, ObjectNode> definitions) {
        JsonNode processor = definitions.get(STATE_MACHINE).path("States").path(JSON_MAP).path("ItemProcessor");
        ObjectNode copy = processor.deepCopy();
        copy.remove("ProcessorConfig");
        return copy;
    }
}
