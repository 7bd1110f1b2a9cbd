package io.jnerd.cli.command;

import io.jnerd.engine.container.ContainerLogs;
import io.jnerd.engine.container.Containers;
import io.jnerd.proto.Containerd;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnerd logs}: the output of a detached container (its log file); -f follows it until the container exits. */
@Command(name = "logs", description = "Show the output of a detached container")
public final class LogsCommand extends ContainerdCommand {
    @Option(names = {"-f", "--follow"}, description = "keep printing new output until the container exits")
    boolean follow;

    @Parameters(index = "0", paramLabel = "CONTAINER")
    String container;

    @Override
    int call(Containerd containerd) throws IOException, InterruptedException {
        Containers all = new Containers(containerd);
        ContainerLogs.copy(all, all.find(container), container, terminal().out(), follow);
        return 0;
    }
}
