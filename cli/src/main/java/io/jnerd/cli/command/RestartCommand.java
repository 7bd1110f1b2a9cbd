package io.jnerd.cli.command;

import io.jnerd.engine.container.ContainerStarter;
import io.jnerd.engine.container.Containers;
import io.jnerd.proto.Containerd;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnerd restart}: stop (SIGTERM, SIGKILL after the timeout), then start in the background. */
@Command(name = "restart", description = "Restart one or more containers")
public final class RestartCommand extends ContainerdCommand {
    @Option(names = {"-t", "--time"}, paramLabel = "SECONDS", description = "seconds to wait before killing (default 10)")
    int timeout = 10;

    @Parameters(arity = "1..*", paramLabel = "CONTAINER")
    List<String> containers;

    @Override
    int call(Containerd containerd) {
        ContainerStarter starter = new ContainerStarter(containerd, terminal(), global().stateDir(), io.jnerd.cli.Main.class.getName());
        return forEachContainer(new Containers(containerd), containers, (c, ref) -> starter.restart(c, timeout));
    }
}
