package io.jnerd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GlobalOptionsTest {
    private static GlobalOptions withEnv(Map<String, String> env) {
        GlobalOptions g = new GlobalOptions();
        g.terminal(new Terminal(new ByteArrayInputStream(new byte[0]), new PrintStream(PrintStream.nullOutputStream()),
                new PrintStream(PrintStream.nullOutputStream()), env));
        return g;
    }

    @Test
    void environmentGivesTheDefaults() {
        GlobalOptions g = withEnv(Map.of("CONTAINERD_ADDRESS", "unix:///a/b.sock", "CONTAINERD_NAMESPACE", "ns1",
                "CONTAINERD_SNAPSHOTTER", "native", "JNERD_STATE_DIR", "/s"));
        assertEquals(Path.of("/a/b.sock"), g.socket());
        assertEquals("ns1", g.namespace());
        assertEquals("native", g.snapshotter());
        assertEquals(Path.of("/s"), g.stateDir());
    }

    @Test
    void flagsBeatTheEnvironment() {
        GlobalOptions g = withEnv(Map.of("CONTAINERD_NAMESPACE", "ns1", "CONTAINERD_ADDRESS", "/env.sock"));
        g.namespace = "flag";
        g.address = "/flag.sock";
        g.snapshotter = "btrfs";
        assertEquals("flag", g.namespace());
        assertEquals(Path.of("/flag.sock"), g.socket());
        assertEquals("btrfs", g.snapshotter());
    }

    @Test
    void builtInDefaults() {
        GlobalOptions g = withEnv(Map.of());
        assertEquals("default", g.namespace());
        assertEquals("overlayfs", g.snapshotter());
    }
}
