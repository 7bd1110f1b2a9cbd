package io.jnerd.cli.command;

import io.jnerd.engine.container.ContainerStarter;
import io.jnerd.engine.container.Containers;
import io.jnerd.proto.Containerd;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnerd start}: a created or exited container again; with -a attached, exiting with its status. */
@Command(name = "start", description = "Start one or more stopped containers")
public final class StartCommand extends ContainerdCommand {
    @Option(names = {"-a", "--attach"}, description = "attach its output and exit with its status (one container)")
    boolean attach;

    @Parameters(arity = "1..*", paramLabel = "CONTAINER")
    List<String> containers;

    @Override
    void validate() {
        if (attach && containers.size() > 1) {
            throw new io.jnerd.engine.JnerdException("start -a takes one container");
        }
    }

    @Override
    int call(Containerd containerd) throws IOException, InterruptedException {
        Containers all = new Containers(containerd);
        ContainerStarter starter = new ContainerStarter(containerd, terminal(), global().stateDir(), io.jnerd.cli.Main.class.getName());
        if (attach) {
            return starter.startAttached(all.find(containers.get(0)));
        }
        return forEachContainer(all, containers, (c, ref) -> starter.start(c));
    }
}
