package io.jnerd.cli.container;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code --net} modes jnerd knows. "none" (the default for now) gives the container a
 * network namespace of its own with only loopback; "host" shares the host's; "slirp4netns"
 * and "pasta" attach the netns module's user-mode drivers to a namespace of its own.
 * bypass4netns (which also needs the seccomp listener in the spec) is added here by the
 * netns wiring.
 */
public final class NetworkModes {
    public static final String DEFAULT = "none";
    private static final Map<String, Supplier<NetworkMode>> MODES = new LinkedHashMap<>();

    static {
        MODES.put("none", NoneNetwork::new);
        MODES.put("host", HostNetwork::new);
        MODES.put("slirp4netns", () -> new DriverNetwork(io.jnerd.netns.NetworkMode.SLIRP4NETNS));
        MODES.put("pasta", () -> new DriverNetwork(io.jnerd.netns.NetworkMode.PASTA));
    }

    private NetworkModes() {}

    public static NetworkMode of(String name) {
        Supplier<NetworkMode> m = MODES.get(name);
        if (m == null) {
            throw new IllegalArgumentException("unknown network mode '" + name + "' (known: " + String.join(", ", MODES.keySet()) + ")");
        }
        return m.get();
    }

    /** Adds a new namespace of {@code type} to the spec unless it has one. */
    static void addNamespace(ObjectNode spec, String type) {
        ArrayNode ns = (ArrayNode) spec.withObjectProperty("linux").withArrayProperty("namespaces");
        for (var n : ns) {
            if (type.equals(n.path("type").asText())) {
                return;
            }
        }
        ns.addObject().put("type", type);
    }

    /** A new, empty network namespace: loopback only. */
    static final class NoneNetwork implements NetworkMode {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public boolean publishesPorts() {
            return false;
        }

        @Override
        public void configure(ObjectNode spec, ContainerContext context) {
            addNamespace(spec, "network");
        }

        @Override
        public Attachment attach(ContainerContext context, int pid) {
            return Attachment.NONE;
        }
    }

    /** The host's network namespace, with the host's /etc/hosts and /etc/resolv.conf. */
    static final class HostNetwork implements NetworkMode {
        @Override
        public String name() {
            return "host";
        }

        @Override
        public boolean publishesPorts() {
            return false;
        }

        @Override
        public void configure(ObjectNode spec, ContainerContext context) {
            ArrayNode mounts = spec.withArrayProperty("mounts");
            for (String file : new String[] {"/etc/hosts", "/etc/resolv.conf"}) {
                if (java.nio.file.Files.exists(java.nio.file.Path.of(file))) {
                    ObjectNode m = mounts.addObject();
                    m.put("destination", file).put("type", "bind").put("source", file);
                    m.putArray("options").add("rbind").add("ro");
                }
            }
        }

        @Override
        public Attachment attach(ContainerContext context, int pid) {
            return Attachment.NONE;
        }
    }

    /** A namespace of its own, given a network by a netns driver between task create and start. */
    static final class DriverNetwork implements NetworkMode {
        private final io.jnerd.netns.NetworkMode mode;

        DriverNetwork(io.jnerd.netns.NetworkMode mode) {
            this.mode = mode;
        }

        @Override
        public String name() {
            return mode.flagValue();
        }

        @Override
        public boolean publishesPorts() {
            return true;
        }

        /** The driver (slirp4netns, pasta) exits with jnerd (its --exit-fd is jnerd's pipe). */
        @Override
        public boolean needsJnerdRunning() {
            return true;
        }

        @Override
        public void configure(ObjectNode spec, ContainerContext context) {
            addNamespace(spec, "network");
        }

        @Override
        public Attachment attach(ContainerContext context, int pid) throws java.io.IOException {
            java.util.Optional<io.jnerd.netns.NetworkAttachment> a = io.jnerd.netns.ContainerNetworks.attach(
                    mode, io.jnerd.netns.NetnsTarget.ofPid(pid), context.ports(), context.networkDir());
            if (a.isEmpty()) {
                return Attachment.NONE;
            }
            return () -> {
                try {
                    a.get().close();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("detaching " + mode.flagValue(), e);
                } finally {
                    Containers.deleteStateDir(context.networkDir());
                }
            };
        }
    }
}
