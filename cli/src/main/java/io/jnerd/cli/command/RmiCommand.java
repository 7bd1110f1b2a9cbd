package io.jnerd.cli.command;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.Containers;
import io.jnerd.engine.image.ImageService;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.containers.Container;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnerd rmi}: remove image records; containerd's GC then frees their content and snapshots. */
@Command(name = "rmi", description = "Remove one or more images")
public final class RmiCommand extends ContainerdCommand {
    @Option(names = {"-f", "--force"}, description = "remove even if containers use the image")
    boolean force;

    @Parameters(arity = "1..*", paramLabel = "IMAGE")
    List<String> images;

    @Override
    int call(Containerd containerd) {
        ImageService service = new ImageService(containerd);
        List<Container> containers = new Containers(containerd).list();
        int status = 0;
        for (String ref : images) {
            try {
                terminal().out().println("Untagged: " + service.remove(ref, force, containers));
            } catch (JnerdException e) {
                terminal().err().println("jnerd: " + e.getMessage());
                status = 1;
            }
        }
        return status;
    }
}
