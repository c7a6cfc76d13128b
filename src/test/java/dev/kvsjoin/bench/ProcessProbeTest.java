package dev.kvsjoin.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessProbeTest {

    private static final ProcessProbe SELF = new ProcessProbe(ProcessHandle.current().pid(), 100);

    @Test
    void parseNetTcp_whenKernelTable_readsInodePortsAndState() {
        List<String> lines = List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:A0F6 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 81234 1"
                        + " 0000000000000000 100 0 0 10 0",
                "   1: 0100007F:C350 0100007F:A0F6 01 00000000:00000000 00:00000000 00000000  1000        0 81240 1"
                        + " 0000000000000000 20 4 30 10 -1");

        assertThat(ProcessProbe.parseNetTcp(lines)).containsExactly(
                new ProcessProbe.TcpSocket(81234, 0xA0F6, 0, 0x0A),
                new ProcessProbe.TcpSocket(81240, 0xC350, 0xA0F6, ProcessProbe.ESTABLISHED));
    }

    @Test
    void parseNetTcp_whenIpv6Table_readsPortsAfterTheLastColon() {
        List<String> lines = List.of(
                "  sl  local_address                         remote_address                        st tx_queue"
                        + " rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D431 01"
                        + " 00000000:00000000 00:00000000 00000000  1000        0 90001 1 0000000000000000 20 4 0 10 -1");

        assertThat(ProcessProbe.parseNetTcp(lines))
                .containsExactly(new ProcessProbe.TcpSocket(90001, 0x1F90, 0xD431, ProcessProbe.ESTABLISHED));
    }

    @Test
    void parseStatus_whenALineIsMissing_namesWhatWasFound() {
        List<String> lines = List.of("Name:\tjava", "VmHWM:\t  84260 kB", "VmRSS:\t  80000 kB");

        assertThatThrownBy(() -> ProcessProbe.parseStatus(lines, "/proc/1/status"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("must have VmRSS, VmHWM and Threads")
                .hasMessageContaining("[VmHWM, VmRSS]");
    }

    @Test
    void status_whenThisProcess_readsMemoryAndThreads() throws IOException {
        ProcessProbe.Status status = SELF.status();

        assertThat(status.rssKib()).isPositive();
        assertThat(status.peakRssKib()).isGreaterThanOrEqualTo(status.rssKib());
        assertThat(status.threads()).isGreaterThanOrEqualTo(Thread.activeCount());
    }

    @Test
    void establishedByRemotePort_whenThisProcessConnects_countsTheConnectionOnce() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
            int port = server.getLocalPort();
            assertThat(SELF.establishedByRemotePort()).doesNotContainKey(port);
            try (Socket client = new Socket(loopback, port); Socket accepted = server.accept()) {
                Map<Integer, Integer> byPort = SELF.establishedByRemotePort();

                assertThat(byPort).containsEntry(port, 1);
                // The accepting side is this process's too: its remote port is the client's local port.
                assertThat(byPort).containsEntry(client.getLocalPort(), 1);
                assertThat(accepted.getPort()).isEqualTo(client.getLocalPort());
            }
        }
    }
}
