package dev.kvsjoin.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads what Linux knows about a running process: CPU time from {@code /proc/PID/stat} (user plus system time of
 * every thread, exited ones included, in clock ticks), resident memory and threads from {@code /proc/PID/status},
 * and its open TCP connections from {@code /proc/PID/fd} matched against {@code /proc/net/tcp} and {@code tcp6}.
 */
final class ProcessProbe {

    /** The kernel's code for an established TCP connection in {@code /proc/net/tcp}'s {@code st} column. */
    static final int ESTABLISHED = 0x01;

    private final long pid;
    private final long ticksPerSecond;

    ProcessProbe(long pid, long ticksPerSecond) {
        this.pid = pid;
        this.ticksPerSecond = ticksPerSecond;
    }

    /** What {@code /proc/PID/status} says of memory and threads, in kibibytes and threads. */
    record Status(long rssKib, long peakRssKib, int threads) {
    }

    /** One line of {@code /proc/net/tcp} or {@code tcp6}: the socket's inode, ports and state. */
    record TcpSocket(long inode, int localPort, int remotePort, int state) {
    }

    /** User plus system CPU time so far, in milliseconds (resolution: one clock tick). */
    double cpuMillis() throws IOException {
        String stat = Files.readString(proc("stat"), StandardCharsets.US_ASCII);
        // The command name is in parentheses and may hold spaces: fields are counted after its closing one.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long utime = Long.parseLong(fields[11]);
        long stime = Long.parseLong(fields[12]);
        return (utime + stime) * 1000.0 / ticksPerSecond;
    }

    /** The peak resident set size ({@code VmHWM}) so far, in kibibytes. */
    long peakRssKib() throws IOException {
        return status().peakRssKib();
    }

    /** The resident set now ({@code VmRSS}), its peak ({@code VmHWM}) and the number of threads ({@code Threads}). */
    Status status() throws IOException {
        return parseStatus(Files.readAllLines(proc("status"), StandardCharsets.US_ASCII), "/proc/" + pid + "/status");
    }

    static Status parseStatus(List<String> lines, String source) throws IOException {
        Map<String, Long> values = new TreeMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon);
            if (name.equals("VmRSS") || name.equals("VmHWM") || name.equals("Threads")) {
                values.put(name, Long.parseLong(line.substring(colon + 1).replace("kB", "").trim()));
            }
        }
        if (values.size() != 3) {
            throw new IOException(source + ": must have VmRSS, VmHWM and Threads lines (found " + values.keySet()
                    + ")");
        }
        return new Status(values.get("VmRSS"), values.get("VmHWM"), Math.toIntExact(values.get("Threads")));
    }

    /** How many file descriptors the process has open. */
    int openFiles() throws IOException {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc("fd"))) {
            int count = 0;
            for (Path ignored : fds) {
                count++;
            }
            return count;
        }
    }

    /**
     * The process's established TCP connections, counted by remote port (IPv4 and IPv6 alike): its socket
     * descriptors' inodes looked up in the kernel's connection tables, which also list the other end of every
     * loopback connection and every other process's connections.
     */
    Map<Integer, Integer> establishedByRemotePort() throws IOException {
        Set<Long> inodes = socketInodes();
        List<TcpSocket> sockets = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (Files.exists(file)) {
                sockets.addAll(parseNetTcp(Files.readAllLines(file, StandardCharsets.US_ASCII)));
            }
        }
        Map<Integer, Integer> byPort = new TreeMap<>();
        for (TcpSocket socket : sockets) {
            if (socket.state() == ESTABLISHED && inodes.contains(socket.inode())) {
                byPort.merge(socket.remotePort(), 1, Integer::sum);
            }
        }
        return byPort;
    }

    /** The inodes of the process's sockets: {@code /proc/PID/fd/N} links to {@code socket:[inode]}. */
    private Set<Long> socketInodes() throws IOException {
        Set<Long> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc("fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (NoSuchFileException e) {
                    continue; // closed since the directory was listed
                }
                if (target.startsWith("socket:[") && target.endsWith("]")) {
                    inodes.add(Long.parseLong(target.substring("socket:[".length(), target.length() - 1)));
                }
            }
        }
        return inodes;
    }

    /**
     * Parses {@code /proc/net/tcp} or {@code tcp6}: a header line, then one line per socket whose fields are
     * {@code sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...}, with
     * addresses as {@code HEXADDR:HEXPORT} and the state in hexadecimal.
     */
    static List<TcpSocket> parseNetTcp(List<String> lines) {
        List<TcpSocket> sockets = new ArrayList<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 10) {
                continue;
            }
            sockets.add(new TcpSocket(Long.parseLong(fields[9]), port(fields[1]), port(fields[2]),
                    Integer.parseInt(fields[3], 16)));
        }
        return sockets;
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }

    private Path proc(String name) {
        return Path.of("/proc", Long.toString(pid), name);
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
