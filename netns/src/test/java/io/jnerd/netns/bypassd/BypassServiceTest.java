package io.jnerd.netns.bypassd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who serves jnerd run's bypass: a daemon that answers, else jnerd itself (also for a socket a dead daemon left). */
@Tag("kernel")
class BypassServiceTest {
    @TempDir
    Path tmp;

    @Test
    void aListeningDaemonIsUsed() throws Exception {
        Path socket = tmp.resolve("bypass4netnsd.sock");
        try (BypassDaemon daemon = new BypassDaemon(line -> { })) {
            daemon.start(socket);
            try (BypassService s = BypassService.connect(socket, line -> { })) {
                assertInstanceOf(BypassService.Daemon.class, s);
            }
        }
    }

    @Test
    void noSocketOrAStaleOneMeansInProcess() throws Exception {
        Path socket = tmp.resolve("bypass4netnsd.sock");
        try (BypassService s = BypassService.connect(socket, line -> { })) {
            assertInstanceOf(BypassService.InProcess.class, s);
        }
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertEquals(true, Files.exists(socket), "closing a unix listener leaves its file");
        try (BypassService s = BypassService.connect(socket, line -> { })) {
            assertInstanceOf(BypassService.InProcess.class, s);
        }
    }

    @Test
    void socketFromXdgRuntimeDirElseRootsDefault() {
        assertEquals(Path.of("/run/user/7/bypass4netnsd.sock"), BypassdSocket.resolve(Map.of("XDG_RUNTIME_DIR", "/run/user/7"), false));
        assertEquals(Path.of("/run/jnerd/bypass4netnsd.sock"), BypassdSocket.resolve(Map.of(), true));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> BypassdSocket.resolve(Map.of(), false));
    }
}
