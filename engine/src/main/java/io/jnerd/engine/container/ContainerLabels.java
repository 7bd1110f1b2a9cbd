package io.jnerd.engine.container;

/** Labels jnerd puts on containerd containers. */
public final class ContainerLabels {
    /** The container's name (docker's --name); unique among jnerd's containers in a namespace. */
    public static final String NAME = "io.jnerd/name";
    /** Where a detached container's output goes (jnerd logs). */
    public static final String LOG = "io.jnerd/log";
    /** The --net mode, for inspect and for the netns wiring at stop/rm. */
    public static final String NETWORK = "io.jnerd/network";

    /**
     * The mode's network keeper flags ({@code --net=MODE}, bypass4netns's settings), one a
     * line: what {@code start} gives the keeper to make the same network again.
     */
    public static final String NETWORK_FLAGS = "io.jnerd/network-flags";

    /**
     * The published ports, docker's {@code -p} spelling joined by commas, with every "any free
     * port" already chosen: what {@code ps} and {@code port} show.
     */
    public static final String PORTS = "io.jnerd/ports";

    /** When {@code start} or {@code restart} last started it (ISO-8601); a container run once started at its creation. */
    public static final String STARTED_AT = "io.jnerd/started-at";

    /** The exit status of the container's last run, kept after its task is deleted. */
    public static final String EXIT_CODE = "io.jnerd/exit-code";

    /**
     * docker's {@code --restart} ({@link RestartPolicy}), carried out by jnerd's network keeper.
     * Not containerd's {@code containerd.io/restart.*} labels: containerd's restart monitor
     * (built into Debian's containerd 1.6) would start the task bare, without the network
     * jnerd attaches between task create and start.
     */
    public static final String RESTART_POLICY = "io.jnerd/restart-policy";

    /** How often the keeper started it again (docker's RestartCount). */
    public static final String RESTART_COUNT = "io.jnerd/restart-count";

    /** Why jnerd stopped a container itself (its network keeper died with its bypass), for ps, inspect and logs. */
    public static final String STOP_REASON = "io.jnerd/stop-reason";

    /** docker's AutoRemove ({@code --rm}) of a container the daemon runs: it removes it once it exited. */
    public static final String AUTO_REMOVE = "io.jnerd/auto-remove";

    /** {@code -i}: "open" keeps the container's stdin open, "once" closes it when the first attached client's ends. */
    public static final String STDIN = "io.jnerd/stdin";

    private ContainerLabels() {}
}
