package io.jnerd.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkModeTest {

    @Test
    void parsesEveryMode() {
        for (NetworkMode mode : NetworkMode.values()) {
            assertEquals(mode, NetworkMode.parse(mode.flagValue()));
        }
        assertEquals("unknown network mode \"bridge\": use host, none, slirp4netns, pasta or bypass4netns",
                assertThrows(IllegalArgumentException.class, () -> NetworkMode.parse("bridge")).getMessage());
    }

    @Test
    void nerdctlSpellingsAskForBypass() {
        Map<String, String> none = Map.of();
        assertEquals(NetworkMode.SLIRP4NETNS, NetworkMode.resolve(null, none, none));
        assertEquals(NetworkMode.BYPASS4NETNS,
                NetworkMode.resolve(null, Map.of("nerdctl/bypass4netns", "true"), none));
        assertEquals(NetworkMode.BYPASS4NETNS,
                NetworkMode.resolve("slirp4netns", none, Map.of("nerdctl/bypass4netns", "1")));
        assertEquals(NetworkMode.SLIRP4NETNS,
                NetworkMode.resolve(null, Map.of("nerdctl/bypass4netns", "false"), none));
        assertEquals(NetworkMode.PASTA, NetworkMode.resolve("pasta", none, none));
    }

    @Test
    void nerdctlBypassConflictsAndBadValues() {
        assertEquals("nerdctl/bypass4netns needs --net=slirp4netns (or bypass4netns), not --net=host",
                assertThrows(IllegalArgumentException.class, () -> NetworkMode.resolve("host",
                        Map.of("nerdctl/bypass4netns", "true"), Map.of())).getMessage());
        assertEquals("invalid label nerdctl/bypass4netns=yes: expected true or false",
                assertThrows(IllegalArgumentException.class, () -> NetworkMode.resolve(null,
                        Map.of(), Map.of("nerdctl/bypass4netns", "yes"))).getMessage());
    }
}
