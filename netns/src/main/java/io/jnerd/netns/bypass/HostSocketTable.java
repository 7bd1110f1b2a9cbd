package io.jnerd.netns.bypass;

import io.jnerd.netns.Protocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The agent's (the host's) sockets on a port, by inode, from /proc/self/net/{tcp,tcp6,udp,udp6}
 * (the agent never leaves the host's network namespace). A TCP socket counts while it
 * listens (state 0A); a UDP socket while it is open: a bound socket is in the table, and
 * gone from it once its last fd is closed.
 */
final class HostSocketTable {

    /** include/net/tcp_states.h: TCP_LISTEN. */
    private static final String LISTEN = "0A";

    private HostSocketTable() {}

    /** Inodes of the host's listening TCP (or open UDP) sockets bound to {@code port}. */
    static Set<Long> inodes(Protocol protocol, int port) throws IOException {
        Set<Long> out = new HashSet<>();
        String table = protocol == Protocol.TCP ? "tcp" : "udp";
        for (String name : new String[] {table, table + "6"}) {
            read(Path.of("/proc/self/net", name), protocol == Protocol.TCP, port, out);
        }
        return out;
    }

    private static void read(Path file, boolean listening, int port, Set<Long> out) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            in.readLine(); // the header
            for (String line; (line = in.readLine()) != null; ) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
                String[] f = line.trim().split("\\s+");
                if (f.length < 10) {
                    continue;
                }
                String local = f[1];
                int colon = local.lastIndexOf(':');
                if (colon < 0 || Integer.parseInt(local.substring(colon + 1), 16) != port) {
                    continue;
                }
                if (!listening || f[3].equals(LISTEN)) {
                    out.add(Long.parseLong(f[9]));
                }
            }
        } catch (NoSuchFileException noIpv6) {
            // A kernel without IPv6 has no tcp6/udp6.
        } catch (NumberFormatException e) {
            throw new IOException(file + ": unexpected line: " + e.getMessage());
        }
    }
}
