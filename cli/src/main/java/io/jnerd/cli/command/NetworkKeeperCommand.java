package io.jnerd.cli.command;

import io.jnerd.engine.container.KeptContainers;
import io.jnerd.engine.network.NetworkKeeper;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jnerd network-keeper}: not for users. The first detached {@code jnerd run} that needs
 * it starts it, to hold the network of every detached container of one containerd and state
 * root ({@link NetworkKeeper}); it logs to stderr and exits once it holds nothing.
 */
@Command(name = "network-keeper", hidden = true,
        description = "Hold the networks of detached containers (started by jnerd run -d)")
public final class NetworkKeeperCommand extends Subcommand implements Callable<Integer> {
    @Option(names = "--state-root", required = true)
    Path stateRoot;

    @Override
    public Integer call() throws Exception {
        PrintStream log = global().terminal().err();
        Path containerd = global().socket();
        try (KeptContainers tasks = new KeptContainers(containerd, stateRoot, global().terminal(),
                line -> {
                    synchronized (log) {
                        log.println(Instant.now() + " network-keeper: " + line);
                    }
                })) {
            return new NetworkKeeper(containerd, stateRoot, tasks, log).serve();
        }
    }
}
