package io.jnerd.netns.bypassd;

import java.io.IOException;
import java.util.List;

/** One running bypass (one container). */
public interface Bypass extends AutoCloseable {

    BypassStatsReport stats();

    /** What the container's filter keeps the bypass from switching, and why (one line each); empty if nothing. */
    List<String> notSwitched();

    /** Stops serving: closes the agent socket and everything the bypass holds. Safe twice. */
    @Override
    void close() throws IOException;
}
