package dev.kvsjoin.bench;

import dev.kvsjoin.join.BatchRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's command line.
 *
 * @param cpu the CPU the function processes are pinned to with {@code taskset}, or {@code -1} for no pinning
 * @param functionEnv environment variables set for the function's runs only (to compare its settings)
 * @param classLog whether the function JVMs log class loads (for the class counts); the log costs each JVM a
 *                 write per class, so {@code --no-class-log} measures the times without it
 * @param baseline the function as built at another commit, run beside it; {@code null} without {@code --baseline}
 * @param baselineEnv environment variables set for the baseline's runs only
 * @param soak the soak's settings with {@code --soak}; {@code null} otherwise
 * @param batch the batch comparison's settings with {@code --batch}; {@code null} otherwise
 */
record Options(Path root, int rounds, int warm, boolean primed, int cpu, Path out, boolean classLog,
               Map<String, String> functionEnv, Baseline baseline, Map<String, String> baselineEnv, Soak soak,
               Batch batch) {

    static final String USAGE = """
            usage: bench/run [--rounds N] [--warm N] [--primed] [--cpu N] [--out FILE] [--no-class-log]
                             [--function-env NAME=VALUE]... [--baseline GIT-REF [--baseline-env NAME=VALUE]...]
                             [--rebuild]
                   bench/run --soak [--invocations N] [--window N] [--channels N] [--regions R1,R2,...]
                             [--order random|cycle] [--seed N] [--primed] [--cpu N] [--out FILE]
                             [--function-env NAME=VALUE]... [--baseline GIT-REF [--baseline-env NAME=VALUE]...]
                   bench/run --batch [--joins N] [--batch-size N] [--channels N] [--regions R1,R2,...]
                             [--layout spread|grouped] [--primed] [--cpu N] [--out FILE]
                             [--function-env NAME=VALUE]... [--baseline GIT-REF [--baseline-env NAME=VALUE]...]
              --rounds N   interleaved rounds of floor, naive and function, order rotated each round (default 10)
              --warm N     warm invocations after the first, per run, for p50/p99 (default 200)
              --primed     SnapStart mode: AWS_LAMBDA_INITIALIZATION_TYPE=snap-start, so the runtime runs the
                           CRaC beforeCheckpoint hooks, GET /restore/next, then afterRestore before the first event
              --cpu N      pin each function JVM to CPU N with taskset (bench/run: the last CPU; -1: no pinning)
              --out FILE   JSON results (default bench/out/results.json; with --soak, bench/out/soak.json; with
                           --batch, bench/out/batch.json)
              --no-class-log  no -Xlog:class+load in the function JVMs: times without the log's own cost,
                           no class counts
              --function-env NAME=VALUE  set a variable for the function's runs, e.g. JOIN_TRUST_STORE=jvm
              --baseline GIT-REF  also run the function as it was at GIT-REF (a branch, tag or commit), built from
                           an export under bench/out/baseline/, as one more build in the same rounds (or soak),
                           and report function/baseline ratios (bench/run resolves and builds it)
              --baseline-env NAME=VALUE  set a variable for the baseline's runs
              --rebuild    build the artifacts even if their sources did not change (bench/run only)
              --soak       one long-lived function process (and one baseline process) instead of cold starts:
                           a first invocation, then --invocations warm ones over --channels channels
              --invocations N  warm invocations per process in the soak (default 5000)
              --window N   invocations in the soak's first and last windows compared for drift (default 1000)
              --channels N  channels the soak or the batch comparison spreads its joins over (default 200; the
                           endpoint cache holds 64)
              --regions R1,R2,...  regions of those channels, assigned in turn
                           (default us-west-2,us-east-1,eu-west-1,ap-northeast-1)
              --order random|cycle  the soak's channel sequence: uniform at random from --seed (default), or
                           each channel in turn (every lookup then misses an LRU cache smaller than --channels)
              --seed N     the random channel sequence's seed (default 1)
              --batch      the same joins as single invocations in one fresh function process and as batch
                           invocations in another, taking turns: joins per second, CPU per join, lookups, joins
                           and connections at the endpoint, invocation times; every answer checked
              --joins N    joins each process makes (default 1000): --channels channels, several client ids each
              --batch-size N  items per batch invocation, 1 to 50 (default 25); each turn of the single
                           invocations' process makes the same joins one by one
              --layout spread|grouped  the joins' order: each channel's first client, then each one's second, and
                           so on (spread, default: a batch holds distinct channels while --batch-size is at most
                           --channels), or each channel's clients together (grouped: a batch holds few channels,
                           whose items the function spaces 500 ms apart)""";

    /** The function at another commit: the git ref as given, the commit it named, the exported project. */
    record Baseline(String ref, String commit, Path dir) {
    }

    /** How the soak drives one process. */
    record Soak(int invocations, int window, int channels, List<String> regions, Order order, long seed) {

        enum Order { RANDOM, CYCLE }
    }

    /** The joins the batch comparison makes, how they are ordered and cut into batches. */
    record Batch(int joins, int batchSize, int channels, List<String> regions, Layout layout) {

        enum Layout { SPREAD, GROUPED }
    }

    /** Parses the arguments; throws {@link IllegalArgumentException} naming the first bad one. */
    static Options parse(String[] args) {
        Path root = Path.of("").toAbsolutePath();
        int rounds = 10;
        int warm = 200;
        boolean primed = false;
        boolean classLog = true;
        int cpu = -1;
        Path out = null;
        Map<String, String> functionEnv = new LinkedHashMap<>();
        Map<String, String> baselineEnv = new LinkedHashMap<>();
        String baselineRef = null;
        String baselineCommit = null;
        Path baselineDir = null;
        boolean soak = false;
        boolean batch = false;
        int joins = 1000;
        int batchSize = 25;
        Batch.Layout layout = Batch.Layout.SPREAD;
        int invocations = 5000;
        int window = 1000;
        int channels = 200;
        List<String> regions = List.of("us-west-2", "us-east-1", "eu-west-1", "ap-northeast-1");
        Soak.Order order = Soak.Order.RANDOM;
        long seed = 1;
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--primed" -> primed = true;
                case "--no-class-log" -> classLog = false;
                case "--soak" -> soak = true;
                case "--batch" -> batch = true;
                case "--root" -> root = Path.of(value(arg, value, rest)).toAbsolutePath();
                case "--rounds" -> rounds = number(arg, value(arg, value, rest), 1, 1000);
                case "--warm" -> warm = number(arg, value(arg, value, rest), 0, 100_000);
                case "--cpu" -> cpu = number(arg, value(arg, value, rest), -1, 4095);
                case "--out" -> out = Path.of(value(arg, value, rest)).toAbsolutePath();
                case "--function-env" -> pair(arg, value(arg, value, rest), functionEnv);
                case "--baseline-env" -> pair(arg, value(arg, value, rest), baselineEnv);
                case "--baseline" -> throw new IllegalArgumentException(
                        "--baseline: run through bench/run, which exports and builds the ref");
                case "--baseline-ref" -> baselineRef = value(arg, value, rest);
                case "--baseline-commit" -> baselineCommit = value(arg, value, rest);
                case "--baseline-dir" -> baselineDir = Path.of(value(arg, value, rest)).toAbsolutePath();
                case "--invocations" -> invocations = number(arg, value(arg, value, rest), 2, 1_000_000);
                case "--window" -> window = number(arg, value(arg, value, rest), 1, 1_000_000);
                case "--channels" -> channels = number(arg, value(arg, value, rest), 1, 100_000);
                case "--regions" -> regions = regions(arg, value(arg, value, rest));
                case "--order" -> order = switch (value(arg, value, rest)) {
                    case "random" -> Soak.Order.RANDOM;
                    case "cycle" -> Soak.Order.CYCLE;
                    default -> throw new IllegalArgumentException(arg + ": must be random or cycle");
                };
                case "--seed" -> seed = number(arg, value(arg, value, rest), 0, Integer.MAX_VALUE);
                case "--joins" -> joins = number(arg, value(arg, value, rest), 1, 1_000_000);
                case "--batch-size" -> batchSize = number(arg, value(arg, value, rest), 1, BatchRequest.MAX_ITEMS);
                case "--layout" -> layout = switch (value(arg, value, rest)) {
                    case "spread" -> Batch.Layout.SPREAD;
                    case "grouped" -> Batch.Layout.GROUPED;
                    default -> throw new IllegalArgumentException(arg + ": must be spread or grouped");
                };
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        Baseline baseline = null;
        if (baselineDir != null) {
            baseline = new Baseline(baselineRef != null ? baselineRef : baselineDir.getFileName().toString(),
                    baselineCommit != null ? baselineCommit : "", baselineDir);
        } else if (baselineRef != null || baselineCommit != null || !baselineEnv.isEmpty()) {
            throw new IllegalArgumentException("--baseline-dir: needed with --baseline-ref, --baseline-commit"
                    + " or --baseline-env (bench/run passes it for --baseline)");
        }
        if (soak && batch) {
            throw new IllegalArgumentException("--soak and --batch: choose one");
        }
        if (soak && window * 2 > invocations) {
            throw new IllegalArgumentException("--window: must be at most half of --invocations, so the first and"
                    + " last windows do not overlap (received " + window + " of " + invocations + ")");
        }
        Path defaultOut = root.resolve(soak ? "bench/out/soak.json"
                : batch ? "bench/out/batch.json" : "bench/out/results.json");
        return new Options(root, rounds, warm, primed, cpu, out != null ? out : defaultOut, classLog,
                Map.copyOf(functionEnv), baseline, Map.copyOf(baselineEnv),
                soak ? new Soak(invocations, window, channels, regions, order, seed) : null,
                batch ? new Batch(joins, batchSize, channels, regions, layout) : null);
    }

    private static void pair(String name, String pair, Map<String, String> into) {
        int split = pair.indexOf('=');
        if (split <= 0) {
            throw new IllegalArgumentException(name + ": must be NAME=VALUE");
        }
        into.put(pair.substring(0, split), pair.substring(split + 1));
    }

    private static List<String> regions(String name, String list) {
        List<String> regions = List.of(list.split(",", -1));
        for (String region : regions) {
            if (!region.matches("[a-z]{2}(-[a-z]+)+-[0-9]")) {
                throw new IllegalArgumentException(name + ": must be AWS region names separated by commas, such as"
                        + " us-west-2,eu-west-1 (received an entry of " + region.length() + " characters)");
            }
        }
        return regions;
    }

    private static String value(String name, String inline, List<String> rest) {
        if (inline != null) {
            return inline;
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(name + ": needs a value");
        }
        return rest.remove(0);
    }

    private static int number(String name, String raw, int min, int max) {
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": must be a whole number from " + min + " to " + max
                + " (received \"" + (raw.length() > 20 ? raw.substring(0, 20) + "..." : raw) + "\")");
    }
}
