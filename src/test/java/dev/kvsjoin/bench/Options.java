package dev.kvsjoin.bench;

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
 */
record Options(Path root, int rounds, int warm, boolean primed, int cpu, Path out, boolean classLog,
               Map<String, String> functionEnv) {

    static final String USAGE = """
            usage: bench/run [--rounds N] [--warm N] [--primed] [--cpu N] [--out FILE] [--no-class-log]
                             [--function-env NAME=VALUE]... [--rebuild]
              --rounds N   interleaved rounds of floor, naive and function, order rotated each round (default 10)
              --warm N     warm invocations after the first, per run, for p50/p99 (default 200)
              --primed     SnapStart mode: AWS_LAMBDA_INITIALIZATION_TYPE=snap-start, so the runtime runs the
                           CRaC beforeCheckpoint hooks, GET /restore/next, then afterRestore before the first event
              --cpu N      pin each function JVM to CPU N with taskset (bench/run: the last CPU; -1: no pinning)
              --out FILE   JSON results, one object per run (default bench/out/results.json)
              --no-class-log  no -Xlog:class+load in the function JVMs: times without the log's own cost,
                           no class counts
              --function-env NAME=VALUE  set a variable for the function's runs, e.g. JOIN_TRUST_STORE=jvm
              --rebuild    build the three artifacts even if their sources did not change (bench/run only)""";

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
                case "--root" -> root = Path.of(value(arg, value, rest)).toAbsolutePath();
                case "--rounds" -> rounds = number(arg, value(arg, value, rest), 1, 1000);
                case "--warm" -> warm = number(arg, value(arg, value, rest), 0, 100_000);
                case "--cpu" -> cpu = number(arg, value(arg, value, rest), -1, 4095);
                case "--out" -> out = Path.of(value(arg, value, rest)).toAbsolutePath();
                case "--function-env" -> {
                    String pair = value(arg, value, rest);
                    int split = pair.indexOf('=');
                    if (split <= 0) {
                        throw new IllegalArgumentException(arg + ": must be NAME=VALUE");
                    }
                    functionEnv.put(pair.substring(0, split), pair.substring(split + 1));
                }
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        return new Options(root, rounds, warm, primed, cpu,
                out != null ? out : root.resolve("bench/out/results.json"), classLog, Map.copyOf(functionEnv));
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
