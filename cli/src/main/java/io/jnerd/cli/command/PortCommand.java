package io.jnerd.cli.command;

import io.jnerd.engine.JnerdException;
import io.jnerd.engine.container.Containers;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.Protocol;
import io.jnerd.proto.Containerd;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jnerd port}: the container's published ports, or where one private port is published. */
@Command(name = "port", description = "List port mappings or a specific mapping for the container")
public final class PortCommand extends ContainerdCommand {
    @Parameters(index = "0", paramLabel = "CONTAINER")
    String container;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PRIVATE_PORT[/PROTO]")
    String privatePort;

    private int port;
    private Protocol protocol;

    @Override
    void validate() {
        if (privatePort == null) {
            return;
        }
        String[] parts = privatePort.split("/", 2);
        try {
            port = Integer.parseInt(parts[0]);
            protocol = parts.length == 2 ? Protocol.parse(parts[1]) : Protocol.TCP;
        } catch (IllegalArgumentException e) {
            throw new JnerdException("invalid port \"" + privatePort + "\": expected PORT or PORT/tcp|udp");
        }
    }

    @Override
    int call(Containerd containerd) {
        List<PortMapping> ports = Containers.publishedPorts(new Containers(containerd).find(container));
        boolean any = false;
        for (PortMapping p : ports) {
            String host = PsCommand.hostAddress(p);
            if (privatePort == null) {
                terminal().out().println(p.containerPort() + "/" + p.protocol().wireName() + " -> " + host);
            } else if (p.containerPort() == port && p.protocol() == protocol) {
                terminal().out().println(host);
                any = true;
            }
        }
        if (privatePort != null && !any) {
            throw new JnerdException(1, "no public port '" + port + "/" + protocol.wireName() + "' published for "
                    + container, null);
        }
        return 0;
    }
}
