package io.jnerd.engine.network;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jnerd.engine.StateDirs;
import io.jnerd.netns.NetworkMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The attacher of each {@code --net} mode jnerd knows. "none" gives the container a network namespace of
 * its own with only loopback; "host" shares the host's; "slirp4netns" (the default) and
 * "pasta" attach the netns module's user-mode drivers to a namespace of its own;
 * "bypass4netns" is slirp4netns plus the socket switcher ({@link BypassNetwork}).
 */
public final class NetworkAttachers {
    /**
     * docker's default is a bridge; jnerd's equivalent that needs no root is slirp4netns. The
     * same with and without {@code -d}, as in docker and nerdctl (their bridge either way): a
     * detached run hands the driver to a network keeper ({@link KeeperNetwork}), so {@code -d}
     * changes how long jnerd runs, not which network the container gets.
     */
    public static final String DEFAULT = "slirp4netns";
    private static final Map<String, Supplier<NetworkAttacher>> MODES = new LinkedHashMap<>();

    static {
        MODES.put("none", NoneNetwork::new);
        MODES.put("host", HostNetwork::new);
        MODES.put("slirp4netns", () -> new DriverNetwork(NetworkMode.SLIRP4NETNS, EtcFiles.slirp4netns()));
        MODES.put("pasta", () -> new DriverNetwork(NetworkMode.PASTA, pastaEtc()));
    }

    private NetworkAttachers() {}

    private static EtcFiles pastaEtc() {
        try {
            return EtcFiles.pasta();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("reading /etc/resolv.conf", e);
        }
    }

    /**
     * The mode for {@code --net} (null: not given), nerdctl's {@code nerdctl/bypass4netns}
     * annotation or label, and bypass4netns's own settings.
     *
     * @throws IllegalArgumentException one line naming what was wrong
     */
    public static NetworkAttacher resolve(String netFlag, Map<String, String> annotations, Map<String, String> labels,
                                      BypassNetwork.Settings bypass) {
        NetworkMode mode = NetworkMode.resolve(netFlag, annotations, labels);
        if (mode == NetworkMode.BYPASS4NETNS) {
            // Refused here, before anything is created, rather than failing every connect.
            io.jnerd.nativebindings.KernelFeatures.Feature kernel = io.jnerd.nativebindings.KernelFeatures.bypass4netns();
            if (!kernel.available()) {
                throw new IllegalArgumentException("bypass4netns is unavailable: " + kernel.reason());
            }
            return new BypassNetwork(bypass);
        }
        if (!bypass.ignoreSubnets().isEmpty()) {
            throw new IllegalArgumentException("--bypass-ignore needs --net=bypass4netns, not --net=" + mode.flagValue());
        }
        return of(mode.flagValue());
    }

    public static NetworkAttacher of(String name) {
        Supplier<NetworkAttacher> m = MODES.get(name);
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
    static final class NoneNetwork implements NetworkAttacher {
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
    static final class HostNetwork implements NetworkAttacher {
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
    static class DriverNetwork implements NetworkAttacher {
        final NetworkMode mode;
        private final EtcFiles etc;

        DriverNetwork(NetworkMode mode, EtcFiles etc) {
            this.mode = mode;
            this.etc = etc;
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
        public void configure(ObjectNode spec, ContainerContext context) throws java.io.IOException {
            addNamespace(spec, "network");
            etc.addMounts(spec, context.networkDir());
        }

        /** The /etc files; the network dir (with the driver's files) goes when the run ends. */
        @Override
        public Attachment prepare(ContainerContext context) throws java.io.IOException {
            Attachment removeDir = () -> StateDirs.delete(context.networkDir());
            try {
                etc.write(context.networkDir(), context);
            } catch (java.io.IOException | RuntimeException e) {
                removeDir.close();
                throw e;
            }
            return removeDir;
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
                }
            };
        }
    }
}
