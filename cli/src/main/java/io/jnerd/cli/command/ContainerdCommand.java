package io.jnerd.cli.command;

import io.jnerd.cli.GlobalOptions;
import io.jnerd.cli.JnerdCommand;
import io.jnerd.cli.Terminal;
import io.jnerd.proto.Containerd;
import java.util.concurrent.Callable;
import picocli.CommandLine.ParentCommand;

/** Base of the commands that talk to containerd: one connection per command run. */
abstract class ContainerdCommand implements Callable<Integer> {
    @ParentCommand
    JnerdCommand parent;

    GlobalOptions global() {
        return parent.global();
    }

    Terminal terminal() {
        return global().terminal();
    }

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
}
