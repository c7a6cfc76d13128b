package dev.kvsjoin.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the cold-start, soak and batch reports share: how a value and a ratio are written in a table, the table's
 * alignment, the session's settings in the heading and in the JSON document, and where the document goes.
 */
final class Reports {

    /** How a value is written in a table. */
    enum Unit { MS, S, PER_SECOND, RATE, COUNT, MIB }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Reports() {
    }

    /** The value in its unit's format; {@code -} when there is none (NaN or infinite). */
    static String format(double value, Unit unit) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "-";
        }
        return switch (unit) {
            case COUNT -> String.format(Locale.ROOT, "%,d", Math.round(value));
            case MIB -> String.format(Locale.ROOT, "%.1f", value);
            case S -> String.format(Locale.ROOT, "%.2f", value);
            case PER_SECOND -> String.format(Locale.ROOT, "%,.1f", value);
            case RATE -> String.format(Locale.ROOT, "%.3f", value);
            case MS -> Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,d", Math.round(value))
                    : Math.abs(value) >= 10 ? String.format(Locale.ROOT, "%.1f", value)
                    : String.format(Locale.ROOT, "%.2f", value);
        };
    }

    /** {@code top/bottom}, or {@code null} when either is NaN or the bottom is 0. */
    static Double ratioValue(double top, double bottom) {
        return Double.isNaN(top) || Double.isNaN(bottom) || bottom == 0 ? null : top / bottom;
    }

    /** {@code top/bottom} as a table shows it: {@code 1.23x}, or {@code -} when there is none. */
    static String ratio(double top, double bottom) {
        return ratioText(ratioValue(top, bottom));
    }

    /** A ratio as a table shows it: {@code 1.23x}, or {@code -} for {@code null}. */
    static String ratioText(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.2fx", value);
    }

    /** A value for the JSON document: {@code null} when there is none (NaN or infinite), which JSON cannot hold. */
    static Double jsonNumber(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? null : value;
    }

    /** Left-aligns the first column, right-aligns the others. */
    static String align(List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                String pad = " ".repeat(widths[i] - cell.length());
                line.append(i == 0 ? cell + pad : "  " + pad + cell);
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }

    /** {@code , baseline main (8a5273e)} and its environment, or nothing without a baseline. */
    static String baselineNote(Options options) {
        if (options.baseline() == null) {
            return "";
        }
        return ", baseline " + options.baseline().ref() + " (" + ColdStartBenchmark.shortCommit(options.baseline())
                + ")" + (options.baselineEnv().isEmpty() ? "" : " with environment " + options.baselineEnv());
    }

    /** {@code , function environment {NAME=value}}, or nothing when the command line set none. */
    static String functionEnvNote(Options options) {
        return options.functionEnv().isEmpty() ? "" : ", function environment " + options.functionEnv();
    }

    /** The machine, for the JSON document: operating system, its version and the architecture. */
    static String os() {
        return System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
    }

    /** The baseline for the JSON document, when there is one: its ref, commit and environment. */
    static Map<String, Object> baselineJson(Options options) {
        Map<String, Object> baseline = new LinkedHashMap<>();
        baseline.put("ref", options.baseline().ref());
        baseline.put("commit", options.baseline().commit());
        baseline.put("env", options.baselineEnv());
        return baseline;
    }

    /** Writes the document to {@code --out}, creating its folder. */
    static void writeJson(Options options, Map<String, Object> document) throws IOException {
        Files.createDirectories(options.out().toAbsolutePath().getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(options.out().toFile(), document);
    }
}
