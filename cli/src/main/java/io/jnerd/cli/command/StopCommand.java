package io.jnerd.cli.command;

import io.jnerd.engine.container.Containers;
import io.jnerd.nativebindings.Signals;
import io.jnerd.proto.Containerd;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnerd stop}: SIGTERM, then SIGKILL after the timeout. */
@Command(name = "stop", description = "Stop one or more running containers")
public final class StopCommand extends ContainerdCommand {
    @Option(names = {"-t", "--time"}, paramLabel = "SECONDS", description = "seconds to wait before killing (default 10)")
    int timeout = 10;

    @Parameters(arity = "1..*", paramLabel = "CONTAINER")
    List<String> containers;

    @Override
    int call(Containerd containerd) {
        Containers all = new Containers(containerd);
        return forEachContainer(all, containers,
                (c, ref) -> all.stopWithNetwork(c.getId(), Signals.SIGTERM, timeout, global().stateDir(), bypassdSocket()));
    }
}
