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

    @Test
    void takeHandsOutTheSpareAndReplenishKeepsOne() throws Exception {
        SpareHostSockets.replenish(UDP6);
        // Sockets only, what the spares are: the JVM's jar files and pipes come and go.
        long withSpare = OwnFds.count(OwnFds.SOCKET);
        SpareHostSockets.replenish(UDP6);
        assertEquals(withSpare, OwnFds.count(OwnFds.SOCKET), "one spare per kind");
        try (Fd spare = SpareHostSockets.take(UDP6)) {
            assertEquals(withSpare, OwnFds.count(OwnFds.SOCKET), "take handed out the spare and made no socket");
            assertEquals(SockAddr.AF_INET6, Sockets.getIntOption(spare, Sockets.SOL_SOCKET, Sockets.SO_DOMAIN));
            assertEquals(Sockets.SOCK_DGRAM, Sockets.getIntOption(spare, Sockets.SOL_SOCKET, Sockets.SO_TYPE));
            assertEquals(OpenFlags.O_NONBLOCK, Sockets.fileStatusFlags(spare) & OpenFlags.O_NONBLOCK);
            assertEquals(OpenFlags.FD_CLOEXEC, Sockets.fdFlags(spare) & OpenFlags.FD_CLOEXEC);
            try (Fd made = SpareHostSockets.take(UDP6)) {
                assertEquals(withSpare + 1, OwnFds.count(OwnFds.SOCKET), "no spare left: take made a socket");
            }
        }
    }

}
