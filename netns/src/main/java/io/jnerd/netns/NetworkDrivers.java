package io.jnerd.netns;

import io.jnerd.netns.pasta.PastaDriver;
import io.jnerd.netns.slirp.Slirp4netnsDriver;
import java.nio.file.Path;
import java.util.Optional;

/** The driver behind each {@code --net} mode. */
public final class NetworkDrivers {

    private NetworkDrivers() {}

    /**
     * The driver that attaches a container of {@code mode}, or empty for host and none (the
     * runtime alone does those: no namespace, or one with only lo). bypass4netns runs on a
     * slirp4netns namespace: what the switcher leaves inside (DNS to 10.0.2.3, ICMP, the
     * ignored subnets) goes through slirp4netns.
     *
     * @param stateDir a directory of this container alone (sockets, logs)
     */
    public static Optional<NetworkDriver> forMode(NetworkMode mode, Path stateDir) {
        switch (mode) {
            case SLIRP4NETNS:
            case BYPASS4NETNS:
                return Optional.of(new Slirp4netnsDriver(stateDir));
            case PASTA:
                return Optional.of(new PastaDriver(stateDir));
            default:
                return Optional.empty();
        }
    }
}
