package io.jnerd.netns.bypassd;

import java.io.IOException;

/** One running bypass (one container). */
public interface Bypass extends AutoCloseable {

    BypassStatsReport stats();

    /** Stops serving: closes the agent socket and everything the bypass holds. Safe twice. */
    @Override
    void close() throws IOException;
}
