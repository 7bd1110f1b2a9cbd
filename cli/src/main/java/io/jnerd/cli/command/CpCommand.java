package io.jnerd.cli.command;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.ContainerArchive;
import io.jnerd.engine.container.ContainerCopy;
import io.jnerd.engine.container.Containers;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.containerd.containers.Container;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code jnerd cp}: files between the host and a container, running or not, with docker's
 * syntax: one side is {@code CONTAINER:PATH}; {@code -} is a tar on stdin or stdout.
 */
@Command(name = "cp", description = "Copy files between a container and the host (CONTAINER:PATH, - for a tar stream)")
public final class CpCommand extends ContainerdCommand {
    @Parameters(index = "0", paramLabel = "SRC", description = "CONTAINER:PATH, a host path, or - (a tar on stdin)")
    String source;

    @Parameters(index = "1", paramLabel = "DEST", description = "CONTAINER:PATH, a host path, or - (a tar on stdout)")
    String destination;

    /** One side of a copy: a container path when there is a ':' before any '/' (docker's rule), else the host's. */
    record Side(String container, String path) {
        static Side parse(String arg) {
            int colon = arg.indexOf(':');
            int slash = arg.indexOf('/');
            if (colon <= 0 || arg.startsWith(".") || (slash >= 0 && slash < colon)) {
                return new Side(null, arg);
            }
            return new Side(arg.substring(0, colon), arg.substring(colon + 1));
        }
    }

    @Override
    void validate() {
        Side from = Side.parse(source);
        Side to = Side.parse(destination);
        if ((from.container() == null) == (to.container() == null)) {
            throw new JnerdException(1, "copying between containers or between host paths is not supported:"
                    + " one side must be CONTAINER:PATH", null);
        }
    }

    @Override
    int call(Containerd containerd) throws Exception {
        Side from = Side.parse(source);
        Side to = Side.parse(destination);
        ContainerArchive archive = new ContainerArchive(containerd, global().stateDir());
        ContainerCopy copy = new ContainerCopy(archive, global().stateDir());
        Containers containers = new Containers(containerd);
        if (from.container() != null) {
            Container c = containers.find(from.container());
            if (to.path().equals("-")) {
                archive.writeTar(c, from.path(), terminal().out());
                terminal().out().flush();
            } else {
                copy.toHost(c, from.path(), Path.of(to.path()));
            }
        } else {
            Container c = containers.find(to.container());
            if (from.path().equals("-")) {
                archive.extract(c, to.path(), terminal().in());
            } else {
                copy.toContainer(Path.of(from.path()), c, to.path());
            }
        }
        return 0;
    }
}
