package io.jnerd.bench.macro;

import io.jnerd.engine.image.ImageService;
import io.jnerd.engine.network.KeeperRecord;
import io.jnerd.netns.HelperProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The rootful containerd of the {@code cli-start} and {@code detached-rss} workloads: Debian's containerd with a
 * config, root, state and socket of its own under the bench's work folder (so nothing is
 * left in the machine's containerd), the bench image loaded by {@code jnerd load}. jnerd
 * and ctr are given the same socket and namespace, so both start the same image with the
 * same runc and shim; only the client differs. The docker-* workloads add a {@code jnerd
 * daemon} over it (started at their first docker command, kept for the run) and Debian's
 * docker client with a config folder of its own.
 */
final class RootfulContainerd implements AutoCloseable {
    static final String NAMESPACE = "jnerd-bench";
    private static final Path CONTAINERD = Path.of("/usr/bin/containerd");
    private static final Duration SHORT = Duration.ofSeconds(60);
    /** Enough for C1 and C2 to have compiled a run's and a ps's path (the server's CPU per command settles after ~15). */
    private static final int WARM_UP_ROUNDS = 20;

    private final Path dir;
    private final HelperProcess containerd;
    private final String jnerd;
    private HelperProcess cliServer;
    private int ctrRuns;
    private HelperProcess daemon;

    private RootfulContainerd(Path dir, HelperProcess containerd, String jnerd) {
        this.dir = dir;
        this.containerd = containerd;
        this.jnerd = jnerd;
    }

    /** Starts containerd in {@code dir} (made here) and loads {@code imageArchive} into it with jnerd. */
    static RootfulContainerd start(Path dir, String jnerd, Path imageArchive) throws IOException {
        if (!Files.isExecutable(CONTAINERD)) {
            throw new IOException(CONTAINERD + " is missing (apt-get install containerd)");
        }
        Files.createDirectories(dir);
        Path socket = dir.resolve("containerd.sock");
        Files.writeString(dir.resolve("config.toml"), "version = 2\n"
                + "root = \"" + dir.resolve("root") + "\"\n"
                + "state = \"" + dir.resolve("state") + "\"\n"
                + "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n"
                + "[grpc]\n  address = \"" + socket + "\"\n"
                + "[ttrpc]\n  address = \"" + dir.resolve("containerd.sock.ttrpc") + "\"\n");
        HelperProcess p = HelperProcess.start("containerd", List.of(CONTAINERD.toString(), "--config",
                dir.resolve("config.toml").toString(), "--log-level", "warn"), dir.resolve("containerd.log"));
        RootfulContainerd c = new RootfulContainerd(dir, p, jnerd);
        try {
            c.awaitSocket(socket);
            c.jnerd(Duration.ofMinutes(3), "load", "-q", "-i", imageArchive.toString());
            c.startCliServer();
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void awaitSocket(Path socket) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            if (Files.exists(socket)) {
                try {
                    ctr(SHORT, "version");
                    return;
                } catch (IOException notYet) {
                    // listening soon
                }
            }
            if (!containerd.isAlive()) {
                throw new IOException("containerd exited at start: " + containerd.lastLogLine());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("containerd did not answer in 30 s: " + containerd.lastLogLine());
            }
            pause("containerd");
        }
    }

    private static void pause(String waitingFor) throws IOException {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + waitingFor, e);
        }
    }

    /**
     * Starts {@code jnerd cli-server} for jnerd's state folder here, which {@link #jnerd}
     * commands are then handed to, and waits for its socket. It is warmed up with the
     * commands measured (a server's first commands run before the JIT has compiled them).
     */
    private void startCliServer() throws IOException {
        Path socket = dir.resolve("jnerd-state").resolve("cli.sock");
        List<String> cmd = new ArrayList<>(jnerdCommand(false));
        cmd.addAll(List.of("cli-server", "--idle-timeout", "60"));
        cliServer = HelperProcess.start("jnerd cli-server", cmd, dir.resolve("cli-server.log"));
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!Files.exists(socket)) {
            if (!cliServer.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("jnerd cli-server did not listen: " + cliServer.lastLogLine());
            }
            pause("jnerd cli-server");
        }
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            jnerd(SHORT, "run", "--rm", "--net=none", BenchImage.NAME, "true");
            jnerd(SHORT, "ps");
        }
    }

    /** Runs {@code jnerd ARGS} against this containerd, with a state folder of its own, through the cli-server. */
    String jnerd(Duration timeout, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(jnerdCommand(true));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, timeout);
    }

    /**
     * The RSS of the network keeper that holds container {@code id} plus its watcher shell's
     * (its parent), in MB, from /proc's VmRSS.
     */
    double keeperRssMegabytes(String id) throws IOException {
        Path record = dir.resolve("jnerd-state").resolve(NAMESPACE).resolve(id).resolve(KeeperRecord.FILE);
        long keeper = Long.parseLong(Files.readString(record).trim().split(" ")[0]);
        long watcher = ProcessHandle.of(keeper).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)
                .orElseThrow(() -> new IOException("the network keeper " + keeper + " has no parent"));
        return (rssKilobytes(keeper) + rssKilobytes(watcher)) / 1024.0;
    }

    private static long rssKilobytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for pid " + pid);
    }

    /** The same in a JVM of its own ({@code JNERD_WARM=off}): what a command costs without cli-server. */
    String jnerdCold(Duration timeout, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(jnerdCommand(false));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, timeout);
    }

    private List<String> jnerdCommand(boolean warm) {
        return List.of("env", "CONTAINERD_ADDRESS=" + dir.resolve("containerd.sock"), "CONTAINERD_NAMESPACE=" + NAMESPACE,
                "JNERD_STATE_DIR=" + dir.resolve("jnerd-state"), "JNERD_WARM=" + (warm ? "on" : "off"), jnerd);
    }

    /** Runs {@code ctr ARGS} against this containerd and namespace. */
    String ctr(Duration timeout, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ctr", "--address", dir.resolve("containerd.sock").toString(),
                "--namespace", NAMESPACE));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, timeout);
    }

    /** Runs {@code docker ARGS} through a jnerd daemon over this containerd (started and warmed up at the first call). */
    String docker(Duration timeout, String... args) throws IOException {
        Path socket = startDaemon();
        List<String> cmd = new ArrayList<>(List.of("env", "DOCKER_HOST=unix://" + socket,
                "DOCKER_CONFIG=" + Files.createDirectories(dir.resolve("docker-config")), "docker"));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, timeout);
    }

    private Path startDaemon() throws IOException {
        Path socket = dir.resolve("docker.sock");
        if (daemon == null) {
            daemon = HelperProcess.start("jnerd daemon", List.of("env", "CONTAINERD_ADDRESS=" + dir.resolve("containerd.sock"),
                    "CONTAINERD_NAMESPACE=" + NAMESPACE, "JNERD_STATE_DIR=" + dir.resolve("jnerd-state"), jnerd, "daemon",
                    "-H", "unix://" + socket), dir.resolve("daemon.log"));
            long deadline = System.nanoTime() + SHORT.toNanos();
            while (!Files.exists(socket)) {
                if (!daemon.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("jnerd daemon did not listen: " + daemon.lastLogLine());
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for jnerd daemon", e);
                }
            }
            // As the cli-server: warmed with the commands measured, so that the pairs time a
            // daemon that has been serving for a while, not its first requests in the interpreter;
            // with a container running, so that ps has one to list.
            List<String> running = dockerDetached(1, SHORT);
            try {
                for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                    docker(SHORT, "run", "--rm", "--net=none", BenchImage.NAME, "true");
                    docker(SHORT, "ps");
                }
            } finally {
                dockerRemove(running, SHORT);
            }
        }
        return socket;
    }

    /** Starts {@code n} detached {@code sleep} containers through the daemon (no network); their IDs. */
    List<String> dockerDetached(int n, Duration timeout) throws IOException {
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ids.add(docker(timeout, "run", "-d", "--net=none", BenchImage.NAME, "sleep", "3600").strip());
            }
        } catch (IOException | RuntimeException e) {
            dockerRemove(ids, timeout);
            throw e;
        }
        return ids;
    }

    /** docker rm -f of these containers, if there are any. */
    void dockerRemove(List<String> ids, Duration timeout) throws IOException {
        if (!ids.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("rm", "-f"));
            rm.addAll(ids);
            docker(timeout, rm.toArray(String[]::new));
        }
    }

    /** The daemon's resident memory now (VmRSS), in MB; env and bin/jnerd exec into its JVM, so the pid is the JVM's. */
    double daemonRssMegabytes() throws IOException {
        startDaemon();
        for (String line : Files.readAllLines(Path.of("/proc/" + daemon.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS for jnerd daemon (pid " + daemon.pid() + ")");
    }

    /** Starts {@code n} detached containers through the daemon, returns (RSS after − before) / n in MB, removes them. */
    double daemonRssGrowthPerContainer(int n, Duration timeout) throws IOException {
        double before = daemonRssMegabytes();
        List<String> ids = dockerDetached(n, timeout);
        try {
            return (daemonRssMegabytes() - before) / n;
        } finally {
            dockerRemove(ids, timeout);
        }
    }

    /** {@code ctr run --rm IMAGE ID true}, a new container id each time. */
    void ctrRunTrue(Duration timeout) throws IOException {
        ctr(timeout, "run", "--rm", ImageService.normalize(BenchImage.NAME), "jnerd-bench-ctr-" + ++ctrRuns, "true");
    }

    /**
     * Stops the cli-server and containerd and removes its folder; mounts a shim left behind are unmounted first
     * (a shim outlives containerd by design).
     */
    @Override
    public void close() throws IOException {
        try {
            try {
                if (cliServer != null) {
                    cliServer.stop();
                }
                if (daemon != null) {
                    daemon.stop();
                }
            } finally {
                containerd.stop();
            }
        } finally {
            Commands.run(List.of("sh", "-c", "grep -o ' " + dir + "/[^ ]*' /proc/self/mounts | sort -r | xargs -r -n1 umount -l; "
                    + "rm -rf '" + dir + "'"), SHORT);
        }
    }
}
