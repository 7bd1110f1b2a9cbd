package io.jnerd.netns.bypassd;

import io.jnerd.nativebindings.Fd;
import java.io.IOException;

/**
 * Serves one connection to a bypass's agent socket (the OCI {@code listenerPath}): runc or
 * crun send the container state and the seccomp notify fd over it (SCM_RIGHTS). The seccomp
 * module's agent and supervisor implement this; bypassd only owns the socket.
 */
@FunctionalInterface
public interface AgentConnectionHandler {

    /**
     * Takes ownership of {@code connection} (close it when done). Called on the bypass's own
     * accept thread, one connection at a time; a handler that supervises the container for
     * its whole life should hand the work to its own thread and return.
     */
    void serve(Fd connection, BypassContext context) throws IOException;
}
