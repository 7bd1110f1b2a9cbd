package io.jnerd.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerdAddressTest {
    @TempDir
    Path tmp;

    @Test
    void explicitBeatsEnvironmentAndUnixSchemeIsStripped() {
        Map<String, String> env = Map.of("CONTAINERD_ADDRESS", "unix:///env.sock", "XDG_RUNTIME_DIR", "/run/user/1000");
        assertEquals(Path.of("/flag.sock"), ContainerdAddress.resolve("/flag.sock", env));
        assertEquals(Path.of("/env.sock"), ContainerdAddress.resolve(null, env));
        assertEquals(Path.of("/env.sock"), ContainerdAddress.resolve(" ", env));
    }

    @Test
    void defaultDependsOnWhoAsks() {
        Path def = ContainerdAddress.resolve(null, Map.of("XDG_RUNTIME_DIR", "/run/user/1000"));
        if (ContainerdAddress.isRoot()) {
            assertEquals(ContainerdAddress.ROOTFUL_SOCKET, def);
        } else {
            assertEquals(Path.of("/run/user/1000/containerd/containerd.sock"), def);
        }
        assertTrue(ContainerdAddress.effectiveUid() >= 0, "uid read from /proc/self/status");
    }

    @Test
    void missingSocketIsOneClearLine() {
        Path socket = tmp.resolve("nothing.sock");
        ContainerdUnavailableException e = assertThrows(ContainerdUnavailableException.class,
                () -> Containerd.connect(socket, "default"));
        assertEquals("cannot connect to containerd at " + socket + ": is it running?", e.getMessage());
    }

    @Test
    void socketWithoutListenerIsUnavailableToo() throws Exception {
        Path socket = tmp.resolve("dead.sock");
        // A bound but never-listening unix socket: connect(2) is refused.
        try (java.nio.channels.ServerSocketChannel ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(java.net.UnixDomainSocketAddress.of(socket));
            ch.close();
            assertThrows(ContainerdUnavailableException.class, () -> Containerd.connect(socket, "default"));
        }
    }
}
