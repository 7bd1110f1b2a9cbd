package io.jnerd.bench.macro;

import io.jnerd.netns.HelperProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A rootless mode: each client is {@code jnerd run --rm --net=MODE IMAGE ...} of the
 * rootless user, each server {@code jnerd run --rm --name NAME --net=MODE -p ADDR:HOSTPORT:PORT}
 * in the foreground, stopped with {@code jnerd rm -f NAME}. Ports are published on the host's end of the test-host veth
 * (or loopback without a test host), never on the machine's external address.
 */
final class ContainerPlacement implements Placement {
    static final String NETBENCH_PATH = "/usr/local/bin/netbench";
    private static final Duration RM_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration RUN_END_TIMEOUT = Duration.ofSeconds(20);

    private final Mode mode;
    private final RootlessUser user;
    private final String image;
    private final InetAddress publishAddress;
    private final String testHostAddress;
    private final Map<String, HelperProcess> started = new ConcurrentHashMap<>();
    private final Path logDir;

    ContainerPlacement(Mode mode, RootlessUser user, String image, InetAddress publishAddress, String testHostAddress)
            throws IOException {
        this.mode = mode;
        this.user = user;
        this.image = image;
        this.publishAddress = publishAddress;
        this.testHostAddress = testHostAddress;
        this.logDir = Files.createTempDirectory("jnerd-bench-" + mode.label() + "-");
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

    /**
     * The server runs in the foreground ({@code jnerd run --rm --name ...}) under a helper
     * process: its output lands in the bench's log, and the network driver lives in that jnerd
     * process as in a user's own foreground run (no keeper process as with {@code -d}).
     */
    @Override
    public Running serve(String name, ServerCommand command, int port) throws IOException {
        int hostPort = HostPlacement.freePort(publishAddress);
        String container = "jnerd-bench-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> args = new ArrayList<>(List.of("run", "--rm", "--name", container, "--net=" + mode.label(),
                "-p", publishAddress.getHostAddress() + ":" + hostPort + ":" + port, image));
        args.addAll(command.build("0.0.0.0", port));
        HelperProcess run = HelperProcess.start(container, user.command(args.toArray(new String[0])),
                logDir.resolve(container + ".log"));
        started.put(container, run);
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

    /**
     * Removes the container, which ends its jnerd run; that run then takes its network down
     * and is waited for (stopping it earlier cut its clean-up short and left its network dir),
     * and stopped only if it does not end by itself.
     */
    private void remove(String container) throws IOException {
        HelperProcess run = started.remove(container);
        if (run == null) {
            return;
        }
        try {
            if (run.isAlive()) {
                user.run(RM_TIMEOUT, "rm", "-f", container);
                try {
                    run.waitFor(RUN_END_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (IOException stillRunning) {
                    // stop() below ends it.
                }
            }
        } finally {
            run.stop();
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
        for (String c : List.copyOf(started.keySet())) {
            try {
                remove(c);
            } catch (IOException e) {
                failure = e;
            }
        }
        try (var logs = Files.list(logDir)) {
            for (Path p : (Iterable<Path>) logs::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(logDir);
        if (failure != null) {
            throw failure;
        }
    }
}
