package dev.kvsjoin.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void parse_whenBaselineGiven_keepsItsRefCommitDirAndEnvironmentApartFromTheFunctions() {
        Options options = Options.parse(new String[] {"--root", "/repo", "--baseline-ref", "main",
                "--baseline-commit", "8a5273e9a7c58efd7af9a90a1fd4720d9008f4f4", "--baseline-dir", "/repo/b",
                "--baseline-env", "JOIN_TRUST_STORE=jvm", "--function-env=ENDPOINT_CACHE_SIZE=8"});

        assertThat(options.baseline()).isEqualTo(new Options.Baseline("main",
                "8a5273e9a7c58efd7af9a90a1fd4720d9008f4f4", Path.of("/repo/b")));
        assertThat(options.baselineEnv()).isEqualTo(Map.of("JOIN_TRUST_STORE", "jvm"));
        assertThat(options.functionEnv()).isEqualTo(Map.of("ENDPOINT_CACHE_SIZE", "8"));
        assertThat(options.soak()).isNull();
        assertThat(options.out()).isEqualTo(Path.of("/repo/bench/out/results.json"));
    }

    @Test
    void parse_whenBaselineEnvWithoutBaseline_refusesIt() {
        assertThatThrownBy(() -> Options.parse(new String[] {"--baseline-env", "A=b"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--baseline-dir: needed with");
    }

    @Test
    void parse_whenSoakWithoutSettings_usesTheDocumentedDefaults() {
        Options options = Options.parse(new String[] {"--root", "/repo", "--soak"});

        assertThat(options.soak()).isEqualTo(new Options.Soak(5000, 1000, 200,
                List.of("us-west-2", "us-east-1", "eu-west-1", "ap-northeast-1"), Options.Soak.Order.RANDOM, 1));
        assertThat(options.out()).isEqualTo(Path.of("/repo/bench/out/soak.json"));
    }

    @Test
    void parse_whenSoakWindowsWouldOverlap_refusesIt() {
        assertThatThrownBy(() -> Options.parse(new String[] {"--soak", "--invocations", "100", "--window", "60"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--window: must be at most half of --invocations")
                .hasMessageContaining("60 of 100");
    }

    @Test
    void parse_whenRegionIsNotARegionName_saysWhatItMustBe() {
        assertThatThrownBy(() -> Options.parse(new String[] {"--soak", "--regions", "us-west-2,,eu-west-1"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--regions: must be AWS region names separated by commas");
    }

    @Test
    void parse_whenBatchWithoutSettings_usesTheDocumentedDefaults() {
        Options options = Options.parse(new String[] {"--root", "/repo", "--batch"});

        assertThat(options.batch()).isEqualTo(new Options.Batch(1000, 25, 200,
                List.of("us-west-2", "us-east-1", "eu-west-1", "ap-northeast-1"), Options.Batch.Layout.SPREAD));
        assertThat(options.soak()).isNull();
        assertThat(options.out()).isEqualTo(Path.of("/repo/bench/out/batch.json"));
    }

    @Test
    void parse_whenBatchSettingsGiven_keepsThemAndTheFunctionsEnvironment() {
        Options options = Options.parse(new String[] {"--batch", "--joins=300", "--batch-size", "50",
                "--channels", "30", "--regions", "eu-west-1,us-east-1", "--layout", "grouped",
                "--function-env", "BATCH_JOINS_PER_SECOND=50", "--function-env", "BATCH_PARALLELISM=16"});

        assertThat(options.batch()).isEqualTo(new Options.Batch(300, 50, 30, List.of("eu-west-1", "us-east-1"),
                Options.Batch.Layout.GROUPED));
        assertThat(options.functionEnv()).isEqualTo(Map.of("BATCH_JOINS_PER_SECOND", "50",
                "BATCH_PARALLELISM", "16"));
    }

    @Test
    void parse_whenBatchSizeAboveTheFunctionsLimit_refusesIt() {
        assertThatThrownBy(() -> Options.parse(new String[] {"--batch", "--batch-size", "51"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--batch-size: must be a whole number from 1 to 50")
                .hasMessageContaining("\"51\"");
    }

    @Test
    void parse_whenLayoutUnknown_saysWhatItMustBe() {
        assertThatThrownBy(() -> Options.parse(new String[] {"--batch", "--layout", "random"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--layout: must be spread or grouped");
    }

    @Test
    void parse_whenSoakAndBatch_refusesBoth() {
        assertThatThrownBy(() -> Options.parse(new String[] {"--soak", "--batch"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--soak and --batch: choose one");
    }
}
