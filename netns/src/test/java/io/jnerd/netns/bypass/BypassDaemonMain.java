package io.jnerd.netns.bypass;

import io.jnerd.netns.bypassd.BypassDaemon;
import java.nio.file.Path;
import java.util.List;
import sun.misc.Signal;

/**
 * bypassd in a JVM of its own, for tests that watch (and kill) the daemon process: args[0]
 * is its socket. SIGTERM detaches, as {@code jnerd bypassd} does: the bypasses are left for
 * the next daemon.
 */
public final class BypassDaemonMain {

    private BypassDaemonMain() {}

    public static void main(String[] args) throws Exception {
        BypassDaemon daemon = new BypassDaemon(System.out::println, List.of(), System.getenv());
        Signal.handle(new Signal("TERM"), sig -> {
            try {
                daemon.detach();
            } catch (java.io.IOException e) {
                System.out.println("detaching: " + e.getMessage());
            }
        });
        daemon.run(Path.of(args[0]));
    }
}
