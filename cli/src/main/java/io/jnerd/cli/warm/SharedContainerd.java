package io.jnerd.cli.warm;

import io.jnerd.cli.GlobalOptions;
import io.jnerd.proto.Containerd;
import io.jnerd.proto.ContainerdUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The warm server's connections to containerd, one per socket, shared by every command (a
 * connection of its own costs a command a channel, an event-loop thread, an HTTP/2
 * handshake and a Version round trip). Each command gets a view in its namespace, whose
 * close closes nothing. A connection that has failed (containerd restarted or gone) is
 * replaced by a new one, which checks that containerd answers as a command's own would.
 */
final class SharedContainerd implements GlobalOptions.Connector, AutoCloseable {
    private final Map<Path, Containerd> connections = new HashMap<>();

    @Override
    public synchronized Containerd connect(Path socket, String namespace) throws ContainerdUnavailableException {
        Containerd shared = connections.get(socket);
        if (shared != null && (shared.unusable() || !Files.exists(socket))) {
            connections.remove(socket).close();
            shared = null;
        }
        if (shared == null) {
            shared = Containerd.connect(socket, namespace);
            connections.put(socket, shared);
        }
        return shared.inNamespace(namespace);
    }

    @Override
    public synchronized void close() {
        connections.values().forEach(Containerd::close);
        connections.clear();
    }
}
