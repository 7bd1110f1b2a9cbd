package io.jnerd.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SystemdFdsTest {

    private static final String ME = Long.toString(ProcessHandle.current().pid());

    @Test
    void fdsArePassedOnlyToTheProcessLISTEN_PIDNames() {
        assertTrue(SystemdFds.passed(Map.of("LISTEN_PID", ME, "LISTEN_FDS", "1")));
        assertFalse(SystemdFds.passed(Map.of("LISTEN_PID", "1", "LISTEN_FDS", "1")));
        assertFalse(SystemdFds.passed(Map.of("LISTEN_PID", ME, "LISTEN_FDS", "0")));
        assertFalse(SystemdFds.passed(Map.of("LISTEN_PID", ME, "LISTEN_FDS", "-1")));
        assertFalse(SystemdFds.passed(Map.of("LISTEN_FDS", "1")));
        assertEquals(Map.of(), SystemdFds.named(Map.of("LISTEN_PID", "1", "LISTEN_FDS", "2", "LISTEN_FDNAMES", "a:b")));
    }

    @Test
    void namesFollowTheFdsFromThreeAndMissingOnesAreUnknown() {
        assertEquals(Map.of(3, "L.a.1", 4, "L.b.2", 5, "unknown"),
                SystemdFds.named(Map.of("LISTEN_PID", ME, "LISTEN_FDS", "3", "LISTEN_FDNAMES", "L.a.1:L.b.2")));
        assertEquals(Map.of(3, "unknown", 4, "x"),
                SystemdFds.named(Map.of("LISTEN_PID", ME, "LISTEN_FDS", "2", "LISTEN_FDNAMES", ":x")));
        assertEquals(Map.of(3, "unknown"), SystemdFds.named(Map.of("LISTEN_PID", ME, "LISTEN_FDS", "1")));
    }
}
