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
}
