package io.jnerd.bench.macro;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A rootless mode: each client is {@code jnerd run --rm --net=MODE IMAGE ...} of the
 * rootless user, each server {@code jnerd run -d --net=MODE -p ADDR:HOSTPORT:PORT}, removed
 * with {@code jnerd rm -f}. Ports are published on the host's end of the test-host veth
 * (or loopback without a test host), never on the machine's external address.
 */
final class ContainerPlacement implements Placement {
    static final String NETBENCH_PATH = "/usr/local/bin/netbench";
    private static final Duration RM_TIMEOUT = Duration.ofSeconds(60);

    private final Mode mode;
    private final RootlessUser user;
    private final String image;
    private final InetAddress publishAddress;
    private final String testHostAddress;
    private final List<String> started = new ArrayList<>();

    ContainerPlacement(Mode mode, RootlessUser user, String image, InetAddress publishAddress, String testHostAddress) {
        this.mode = mode;
        this.user = user;
        this.image = image;
        this.publishAddress = publishAddress;
        this.testHostAddress = testHostAddress;
    }

    @Override
    public Mode mode() {
        return mode;
    }

    @Override
    public String tool(String name) {
        return name.equals("netbench") ? NETBENCH_PATH : "/usr/bin/" + name;
    }

    @Override
    public String exec(List<String> command, Duration timeout) throws IOException {
        List<String> args = new ArrayList<>(List.of("run", "--rm", "--net=" + mode.label(), image));
        args.addAll(command);
        return user.run(timeout, args.toArray(new String[0]));
    }

    @Override
    public Running serve(String name, ServerCommand command, int port) throws IOException {
        int hostPort = HostPlacement.freePort(publishAddress);
        String container = "jnerd-bench-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", container, "--net=" + mode.label(),
                "-p", publishAddress.getHostAddress() + ":" + hostPort + ":" + port, image));
        args.addAll(command.build("0.0.0.0", port));
        user.run(Duration.ofSeconds(120), args.toArray(new String[0]));
        started.add(container);
        InetSocketAddress at = new InetSocketAddress(publishAddress, hostPort);
        return new Running() {
            @Override
            public InetSocketAddress reachableAt() {
                return at;
            }

            @Override
            public void close() throws IOException {
                remove(container);
            }
        };
    }

    private void remove(String container) throws IOException {
        if (started.remove(container)) {
            user.run(RM_TIMEOUT, "rm", "-f", container);
        }
    }

    @Override
    public String testHostAddress() {
        return testHostAddress;
    }

    /** Removes any server container still running (after an error or Ctrl-C). */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (String c : List.copyOf(started)) {
            try {
                remove(c);
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
