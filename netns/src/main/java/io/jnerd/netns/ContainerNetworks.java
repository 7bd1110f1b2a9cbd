package io.jnerd.netns;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@code jnerd run} calls between creating the task and starting it: gives the
 * container's network namespace its network for {@code mode}, with its published ports.
 */
public final class ContainerNetworks {

    private ContainerNetworks() {}

    /**
     * Checks that {@code ports} make sense for {@code mode}, before anything is created.
     *
     * @throws IllegalArgumentException one line: host and none cannot publish ports
     */
    public static void checkPorts(NetworkMode mode, List<PortMapping> ports) {
        if (ports.isEmpty()) {
            return;
        }
        if (mode == NetworkMode.HOST) {
            throw new IllegalArgumentException("-p cannot be used with --net=host: the container binds the host's ports itself");
        }
        if (mode == NetworkMode.NONE) {
            throw new IllegalArgumentException("-p cannot be used with --net=none: the container has no network to publish from");
        }
    }

    /**
     * Ends the driver processes and mounts an attachment in {@code stateDir} left when its
     * owner was killed before it could detach (slirp4netns ends by itself then: its
     * --exit-fd is its owner's; pasta and its namespace bind mount stay).
     */
    public static void stopLeftoverDriver(Path stateDir) throws IOException {
        io.jnerd.netns.pasta.PastaDriver.stopLeftover(stateDir);
    }

    /**
     * Attaches the driver of {@code mode} to {@code target} and publishes {@code ports}; empty
     * for host and none. Under bypass4netns the ports are not given to slirp4netns: the
     * socket switcher binds them on the host (through bypassd's portMapping), and slirp4netns
     * holding the same host ports would make those binds fail.
     *
     * @param stateDir a directory of this container alone, e.g. {@code $XDG_RUNTIME_DIR/jnerd/net/ID}
     */
    public static Optional<NetworkAttachment> attach(NetworkMode mode, NetnsTarget target, List<PortMapping> ports,
            Path stateDir) throws IOException {
        checkPorts(mode, ports);
        Optional<NetworkDriver> driver = NetworkDrivers.forMode(mode, stateDir);
        if (driver.isEmpty()) {
            return Optional.empty();
        }
        List<PortMapping> driverPorts = mode == NetworkMode.BYPASS4NETNS ? List.of() : ports;
        return Optional.of(driver.get().attach(target, driverPorts));
    }
}
