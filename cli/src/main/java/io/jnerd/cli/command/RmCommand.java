package io.jnerd.cli.command;

import io.jnerd.engine.container.Containers;
import io.jnerd.proto.Containerd;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnerd rm}: remove containers (running ones only with -f, which kills them first). */
@Command(name = "rm", description = "Remove one or more containers")
public final class RmCommand extends ContainerdCommand {
    @Option(names = {"-f", "--force"}, description = "kill and remove a running container")
    boolean force;

    @Parameters(arity = "1..*", paramLabel = "CONTAINER")
    List<String> containers;

    @Override
    int call(Containerd containerd) {
        Containers all = new Containers(containerd);
        return forEachContainer(all, containers,
                (c, ref) -> all.rm(c, ref, force, global().stateDir(), bypassdSocket()));
    }
}
