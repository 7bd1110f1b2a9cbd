package io.jnerd.cli.command;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.Containers;
import io.jnerd.engine.container.TaskControl;
import io.jnerd.nativebindings.Signals;
import io.jnerd.proto.Containerd;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnerd kill}: a signal (SIGKILL unless -s) to each container's init. */
@Command(name = "kill", description = "Kill one or more running containers")
public final class KillCommand extends ContainerdCommand {
    @Option(names = {"-s", "--signal"}, paramLabel = "SIGNAL", description = "signal name or number (default KILL)")
    String signal = "KILL";

    @Parameters(arity = "1..*", paramLabel = "CONTAINER")
    List<String> containers;

    @Override
    void validate() {
        number();
    }

    private int number() {
        try {
            return Signals.parse(signal);
        } catch (IllegalArgumentException e) {
            throw new JnerdException(e.getMessage());
        }
    }

    @Override
    int call(Containerd containerd) {
        TaskControl tasks = new TaskControl(containerd);
        int number = number();
        return forEachContainer(new Containers(containerd), containers, (c, ref) -> tasks.kill(c, number));
    }
}
