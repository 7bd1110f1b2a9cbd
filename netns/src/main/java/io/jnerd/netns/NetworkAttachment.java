package io.jnerd.netns;

import java.io.IOException;
import java.util.List;

/** A running user-mode network for one namespace. {@link #close()} detaches it. */
public interface NetworkAttachment extends AutoCloseable {

    /** The published ports with their concrete host ports. */
    List<PortMapping> publishedPorts();

    /** The pid of the driver process (slirp4netns, pasta). */
    long driverPid();

    /**
     * Stops the driver process (and anything it forked), waits for it, and removes its
     * files. Safe to call twice.
     */
    @Override
    void close() throws IOException;
}
