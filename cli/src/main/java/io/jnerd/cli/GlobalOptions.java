package io.jnerd.cli;

import io.jnerd.proto.Containerd;
import io.jnerd.proto.ContainerdAddress;
import io.jnerd.proto.ContainerdUnavailableException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Options every command takes, before or after its name ({@code jnerd -n x ps} and
 * {@code jnerd ps -n x}): which containerd, which namespace, where jnerd keeps its state.
 */
public final class GlobalOptions {
    /** The name the top command mixes these options in under. */
    public static final String MIXIN = "global";

    @Option(names = "--address", scope = ScopeType.INHERIT, paramLabel = "SOCKET",
            description = "containerd socket (env CONTAINERD_ADDRESS; default /run/containerd/containerd.sock "
                    + "as root, $XDG_RUNTIME_DIR/containerd/containerd.sock otherwise)")
    String address;

    // nerdctl's other names for --address. A field of their own: jnerd daemon reads --host as
    // where it listens, as dockerd's -H (--address still names containerd there).
    @Option(names = {"-H", "--host"}, scope = ScopeType.INHERIT, paramLabel = "SOCKET",
            description = "the same as --address (jnerd daemon: where it listens, unix://PATH)")
    String host;

    @Option(names = {"-n", "--namespace"}, scope = ScopeType.INHERIT, paramLabel = "NS",
            description = "containerd namespace (env CONTAINERD_NAMESPACE; default: default)")
    String namespace;

    @Option(names = "--snapshotter", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "snapshotter (env CONTAINERD_SNAPSHOTTER; default: overlayfs)")
    String snapshotter;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "print stack traces and more detail on errors")
    boolean debug;

    private Terminal terminal = Terminal.system();
    private Connector connector = Containerd::connect;

    /** How a command reaches containerd: a connection of its own, or the warm server's shared one. */
    @FunctionalInterface
    public interface Connector {
        Containerd connect(Path socket, String namespace) throws ContainerdUnavailableException;
    }

    /** The global options of the command line {@code command} is part of. */
    public static GlobalOptions of(CommandSpec command) {
        return (GlobalOptions) command.root().mixins().get(MIXIN).userObject();
    }

    public Terminal terminal() {
        return terminal;
    }

    void terminal(Terminal terminal) {
        this.terminal = terminal;
    }

    void connector(Connector connector) {
        this.connector = connector;
    }

    public Path socket() {
        return ContainerdAddress.resolve(address != null ? address : host, terminal.env());
    }

    /** {@code -H}/{@code --host} as given (null: not given), for jnerd daemon. */
    public String host() {
        return host;
    }

    /** containerd as named by {@code --address} or the environment only, for jnerd daemon. */
    public Containerd connectByAddress() throws ContainerdUnavailableException {
        return connector.connect(ContainerdAddress.resolve(address, terminal.env()), namespace());
    }

    public String namespace() {
        if (namespace != null && !namespace.isBlank()) {
            return namespace;
        }
        String env = terminal.env().get("CONTAINERD_NAMESPACE");
        return env != null && !env.isBlank() ? env : Containerd.DEFAULT_NAMESPACE;
    }

    public String snapshotter() {
        if (snapshotter != null && !snapshotter.isBlank()) {
            return snapshotter;
        }
        String env = terminal.env().get("CONTAINERD_SNAPSHOTTER");
        return env != null && !env.isBlank() ? env : "overlayfs";
    }

    public boolean debug() {
        return debug;
    }

    public Containerd connect() throws ContainerdUnavailableException {
        return connector.connect(socket(), namespace());
    }

    /** jnerd's own state (stdio FIFOs, -d logs): JNERD_STATE_DIR, else /run/jnerd or $XDG_RUNTIME_DIR/jnerd. */
    public Path stateDir() {
        String explicit = terminal.env().get("JNERD_STATE_DIR");
        if (explicit != null && !explicit.isBlank()) {
            // Absolute: the runtime spec mounts files from it, and a network keeper runs in /.
            return Path.of(explicit).toAbsolutePath();
        }
        String runtimeDir = terminal.env().get("XDG_RUNTIME_DIR");
        if (!ContainerdAddress.isRoot() && runtimeDir != null && !runtimeDir.isBlank()) {
            return Path.of(runtimeDir, "jnerd");
        }
        return Path.of("/run/jnerd");
    }
}
