package io.jnerd.cli.command;

import io.jnerd.engine.container.ContainerExec;
import io.jnerd.engine.container.Containers;
import io.jnerd.proto.Containerd;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnerd exec}: run a command in a running container; exits with the command's status. */
@Command(name = "exec", description = "Run a command in a running container")
public final class ExecCommand extends ContainerdCommand {
    @Option(names = {"-i", "--interactive"}, description = "keep stdin open")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "allocate a pseudo-TTY")
    boolean tty;

    @Option(names = {"-d", "--detach"}, description = "run in the background")
    boolean detach;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "set an environment variable")
    List<String> env = new ArrayList<>();

    @Option(names = {"-u", "--user"}, paramLabel = "USER[:GROUP]", description = "user name or UID, as in the image")
    String user;

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "working directory inside the container")
    String workdir;

    @Parameters(index = "0", paramLabel = "CONTAINER")
    String container;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND")
    List<String> command;

    @Override
    int call(Containerd containerd) throws Exception {
        ContainerExec.ExecSpec spec = new ContainerExec.ExecSpec(command, interactive, tty, detach, env,
                Optional.ofNullable(user), Optional.ofNullable(workdir));
        return new ContainerExec(containerd, terminal(), global().stateDir())
                .exec(new Containers(containerd).find(container), spec);
    }
}
