package io.jnerd.netns;

import java.io.IOException;
import java.util.List;

/**
 * A user-mode network for a container's network namespace (slirp4netns, pasta). The caller
 * attaches after the runtime made the namespace and before the task starts, and closes the
 * attachment after the task exited.
 */
public interface NetworkDriver {

    /** The {@code --net} mode this driver serves, for messages. */
    String name();

    /**
     * Connects {@code target} to the host's network through this driver and publishes
     * {@code ports} (host port 0: any free port). Blocks until the namespace's interface is
     * configured. On failure nothing is left behind: the driver process is killed and its
     * files are removed.
     *
     * @throws NetworkSetupException one line saying what is wrong and, where known, what to do
     * @throws java.io.IOException on other I/O failures
     */
    NetworkAttachment attach(NetnsTarget target, List<PortMapping> ports) throws IOException;
}
