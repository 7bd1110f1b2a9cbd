package io.jnerd.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaemonTest {

    @Test
    void hostIsAUnixPathOrTheDefault() throws Exception {
        assertEquals(Path.of("/tmp/d.sock"), Daemon.socketPath("unix:///tmp/d.sock", Map.of()));
        assertTrue(assertThrows(java.io.IOException.class, () -> Daemon.socketPath("tcp://127.0.0.1:2375", Map.of()))
                .getMessage().contains("only unix://PATH"));
        assertThrows(java.io.IOException.class, () -> Daemon.socketPath("unix://", Map.of()));
        Path fallback = Daemon.socketPath(null, Map.of("XDG_RUNTIME_DIR", "/run/user/1000"));
        assertTrue(fallback.equals(Path.of("/run/jnerd/docker.sock"))
                || fallback.equals(Path.of("/run/user/1000/jnerd/docker.sock")), fallback.toString());
    }

    @Test
    void socketActivationOnlyWhenTheFdsAreForThisProcess() {
        String me = Long.toString(ProcessHandle.current().pid());
        assertTrue(Daemon.activatedBySystemd(Map.of("LISTEN_PID", me, "LISTEN_FDS", "1")));
        assertFalse(Daemon.activatedBySystemd(Map.of("LISTEN_PID", "1", "LISTEN_FDS", "1")));
        assertFalse(Daemon.activatedBySystemd(Map.of("LISTEN_PID", me, "LISTEN_FDS", "0")));
        assertFalse(Daemon.activatedBySystemd(Map.of("LISTEN_FDS", "1")));
    }
}
