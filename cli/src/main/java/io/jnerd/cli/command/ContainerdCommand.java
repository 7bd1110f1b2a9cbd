package io.jnerd.cli.command;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.Containers;
import io.jnerd.netns.bypassd.BypassdSocket;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.ContainerdAddress;
import io.jnerd.proto.containerd.containers.Container;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Base of the commands that talk to containerd: one connection per command run. */
abstract class ContainerdCommand extends Subcommand implements Callable<Integer> {
    @Override
    public final Integer call() throws Exception {
        validate();
        try (Containerd containerd = global().connect()) {
            return call(containerd);
        }
    }

    /** Checks the arguments before containerd is contacted, so bad input makes nothing. */
    void validate() throws Exception {
    }

    abstract int call(Containerd containerd) throws Exception;

    /** Where bypassd would listen for this user (as jnerd run looks for it), if anywhere. */
    Optional<Path> bypassdSocket() {
        return BypassdSocket.find(terminal().env(), ContainerdAddress.isRoot());
    }

    /** What a command does to one container it was named. */
    @FunctionalInterface
    interface ContainerAction {
        void apply(Container c, String ref);
    }

    /**
     * Finds each container named in {@code refs} and applies {@code action}, printing the
     * reference as docker does; one that fails is a line on stderr, the others still go.
     *
     * @return 0, or 1 when any failed
     */
    int forEachContainer(Containers all, List<String> refs, ContainerAction action) {
        int status = 0;
        for (String ref : refs) {
            try {
                action.apply(all.find(ref), ref);
                terminal().out().println(ref);
            } catch (JnerdException e) {
                terminal().err().println("jnerd: " + e.getMessage());
                status = 1;
            }
        }
        return status;
    }
}
