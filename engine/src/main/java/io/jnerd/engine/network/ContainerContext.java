package io.jnerd.engine.network;

import io.jnerd.netns.PortMapping;
import java.nio.file.Path;
import java.util.List;

/** What a {@link NetworkAttacher} knows about the container it networks. */
public final class ContainerContext {
    private final String id;
    private final String name;
    private final String namespace;
    private final String hostname;
    private final Path stateDir;
    private final Path networkDir;
    private final List<PortMapping> ports;

    public ContainerContext(String id, String name, String namespace, String hostname, Path stateDir, Path networkDir,
                            List<PortMapping> ports) {
        this.id = id;
        this.name = name;
        this.namespace = namespace;
        this.hostname = hostname;
        this.stateDir = stateDir;
        this.networkDir = networkDir;
        this.ports = List.copyOf(ports);
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** The containerd namespace. */
    public String namespace() {
        return namespace;
    }

    public String hostname() {
        return hostname;
    }

    /** A directory jnerd owns for this container (FIFOs, logs); a mode may keep files here. */
    public Path stateDir() {
        return stateDir;
    }

    /**
     * A short directory for the network driver's files: unix socket paths must fit in 108
     * bytes (sun_path), which the state dir with a 64-hex container ID may not leave room for.
     */
    public Path networkDir() {
        return networkDir;
    }

    /** {@code -p} mappings, already parsed. */
    public List<PortMapping> ports() {
        return ports;
    }
}
