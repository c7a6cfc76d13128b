package dev.kvsjoin.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads what Linux knows about a running process: CPU time from {@code /proc/PID/stat} (user plus system time of
 * every thread, exited ones included, in clock ticks) and the peak resident set from {@code /proc/PID/status}.
 */
final class ProcessProbe {

    private final long pid;
    private final long ticksPerSecond;

    ProcessProbe(long pid, long ticksPerSecond) {
        this.pid = pid;
        this.ticksPerSecond = ticksPerSecond;
    }

    /** User plus system CPU time so far, in milliseconds (resolution: one clock tick). */
    double cpuMillis() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        // The command name is in parentheses and may hold spaces: fields are counted after its closing one.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long utime = Long.parseLong(fields[11]);
        long stime = Long.parseLong(fields[12]);
        return (utime + stime) * 1000.0 / ticksPerSecond;
    }

    /** The peak resident set size ({@code VmHWM}) so far, in kibibytes. */
    long peakRssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"),
                StandardCharsets.US_ASCII)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.substring("VmHWM:".length()).replace("kB", "").trim());
            }
        }
        throw new IOException("/proc/" + pid + "/status: has no VmHWM line");
    }

    /** The kernel's clock ticks per second for {@code /proc} CPU times, as {@code getconf CLK_TCK} reports it. */
    static long clockTicksPerSecond() throws IOException, InterruptedException {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String output = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        if (getconf.waitFor() != 0 || !output.matches("[1-9][0-9]*")) {
            throw new IOException("getconf CLK_TCK: must print a positive whole number (received \"" + output + "\")");
        }
        return Long.parseLong(output);
    }
}
