package io.jnerd.netns.bypass;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.OpenFlags;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import org.junit.jupiter.api.Test;

class SpareHostSocketsTest {

    /** UDP over IPv6; the spares are the process's, so the test first makes sure one exists. */
    private static final SocketKind UDP6 = new SocketKind(SockAddr.AF_INET6, Sockets.SOCK_DGRAM, 17);

    /** TCP over IPv4 as socket(2) was asked for it, protocol 0: not one of the kinds with a slot. */
    private static final SocketKind TCP4_PROTOCOL_0 = new SocketKind(SockAddr.AF_INET, Sockets.SOCK_STREAM, 0);

    @Test
    void takeHandsOutTheSpareAndReplenishKeepsOne() throws Exception {
        for (SocketKind kind : new SocketKind[] {UDP6, TCP4_PROTOCOL_0}) {
            SpareHostSockets.replenish(kind);
            // Sockets only, what the spares are: the JVM's jar files and pipes come and go.
            long withSpare = OwnFds.count(OwnFds.SOCKET);
            SpareHostSockets.replenish(kind);
            assertEquals(withSpare, OwnFds.count(OwnFds.SOCKET), "one spare per kind: " + kind);
            try (Fd spare = SpareHostSockets.take(kind)) {
                assertEquals(withSpare, OwnFds.count(OwnFds.SOCKET), "take handed out the spare and made no socket");
                assertEquals(kind.family(), Sockets.getIntOption(spare, Sockets.SOL_SOCKET, Sockets.SO_DOMAIN));
                assertEquals(kind.type(), Sockets.getIntOption(spare, Sockets.SOL_SOCKET, Sockets.SO_TYPE));
                // What the switch relies on to leave a non-blocking container socket's flags alone.
                assertEquals(SpareHostSockets.STATUS_FLAGS, Sockets.fileStatusFlags(spare));
                assertEquals(OpenFlags.FD_CLOEXEC, Sockets.fdFlags(spare) & OpenFlags.FD_CLOEXEC);
                try (Fd made = SpareHostSockets.take(kind)) {
                    assertEquals(withSpare + 1, OwnFds.count(OwnFds.SOCKET), "no spare left: take made a socket");
                }
            }
        }
    }

}
