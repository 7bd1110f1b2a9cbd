package io.jnerd.bench.macro;

import io.jnerd.engine.image.ImageService;
import io.jnerd.netns.HelperProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The rootful containerd of the {@code cli-start} workload: Debian's containerd with a
 * config, root, state and socket of its own under the bench's work folder (so nothing is
 * left in the machine's containerd), the bench image loaded by {@code jnerd load}. jnerd
 * and ctr are given the same socket and namespace, so both start the same image with the
 * same runc and shim; only the client differs.
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
            } finally {
                containerd.stop();
            }
        } finally {
            Commands.run(List.of("sh", "-c", "grep -o ' " + dir + "/[^ ]*' /proc/self/mounts | sort -r | xargs -r -n1 umount -l; "
                    + "rm -rf '" + dir + "'"), SHORT);
        }
    }
}
