package io.jnerd.netns.bypass;

import io.jnerd.netns.bypassd.BypassDaemon;
import java.nio.file.Path;

/** bypassd in a JVM of its own, for tests that watch the daemon process: args[0] is its socket. */
public final class BypassDaemonMain {

    private BypassDaemonMain() {}

    public static void main(String[] args) throws Exception {
        new BypassDaemon(line -> { }).run(Path.of(args[0]));
    }
}
