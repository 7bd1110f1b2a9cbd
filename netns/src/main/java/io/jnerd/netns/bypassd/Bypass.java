package io.jnerd.netns.bypassd;

import java.io.IOException;
import java.util.List;

/** One running bypass (one container). */
public interface Bypass extends AutoCloseable {

    BypassStatsReport stats();

    /** What the container's filter keeps the bypass from switching, and why (one line each); empty if nothing. */
    List<String> notSwitched();

    /**
     * Stops serving for a restart of the daemon, leaving what the next one takes over (kept
     * listeners, persisted state); a bypass with nothing to leave just closes. Safe twice.
     *
     * @return false when it left a notification it received and never answered (a connect
     *         still under way when it stopped waiting): the next daemon must restart it
     */
    default boolean detach() throws IOException {
        close();
        return true;
    }

    /** Stops serving: closes the agent socket and everything the bypass holds. Safe twice. */
    @Override
    void close() throws IOException;
}
