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
     */
    default void detach() throws IOException {
        close();
    }

    /** Stops serving: closes the agent socket and everything the bypass holds. Safe twice. */
    @Override
    void close() throws IOException;
}
