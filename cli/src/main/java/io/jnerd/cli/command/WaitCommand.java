package io.jnerd.cli.command;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.Containers;
import io.jnerd.engine.container.TaskControl;
import io.jnerd.proto.Containerd;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jnerd wait}: blocks until each container stops, printing its exit code. */
@Command(name = "wait", description = "Block until one or more containers stop, then print their exit codes")
public final class WaitCommand extends ContainerdCommand {
    @Parameters(arity = "1..*", paramLabel = "CONTAINER")
    List<String> containers;

    @Override
    int call(Containerd containerd) throws InterruptedException {
        Containers all = new Containers(containerd);
        TaskControl tasks = new TaskControl(containerd);
        int status = 0;
        for (String ref : containers) {
            try {
                terminal().out().println(tasks.await(all.find(ref)));
            } catch (JnerdException e) {
                terminal().err().println("jnerd: " + e.getMessage());
                status = 1;
            }
        }
        return status;
    }
}
