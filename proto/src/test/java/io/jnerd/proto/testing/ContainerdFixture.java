package io.jnerd.proto.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnerd.proto.Containerd;
import io.jnerd.proto.ContainerdAddress;
import io.jnerd.proto.ContainerdUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real containerd (Debian's /usr/bin/containerd) with its own config, root, state and
 * socket under a temp dir: CRI off, overlayfs snapshotter, runc v2 shim. Rootful, so tests
 * using it are tagged "privileged". {@link #close()} stops it and removes the directory.
 */
public final class ContainerdFixture implements AutoCloseable {
    public static final Path CONTAINERD = Path.of("/usr/bin/containerd");

    private final Path dir;
    private Process process;
    private final String namespace;

    private ContainerdFixture(Path dir, Process process, String namespace) {
        this.dir = dir;
        this.process = process;
        this.namespace = namespace;
    }

    /** Skips the calling test (with the reason) unless root with containerd and runc installed. */
    public static void assumeAvailable() {
        assumeTrue(ContainerdAddress.isRoot(), "needs root: rootful containerd");
        assumeTrue(Files.isExecutable(CONTAINERD), "needs " + CONTAINERD + " (apt-get install containerd)");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc")),
                "needs runc (apt-get install runc)");
    }

    public static ContainerdFixture start() throws IOException, InterruptedException {
        assumeAvailable();
        Path dir = Files.createTempDirectory("jnerd-ctd-");
        Path socket = dir.resolve("containerd.sock");
        String config = "version = 2\n"
                + "root = \"" + dir.resolve("root") + "\"\n"
                + "state = \"" + dir.resolve("state") + "\"\n"
                + "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n"
                + "[grpc]\n  address = \"" + socket + "\"\n"
                + "[ttrpc]\n  address = \"" + dir.resolve("containerd.sock.ttrpc") + "\"\n"
                + "[plugins.\"io.containerd.gc.v1.scheduler\"]\n  deletion_threshold = 1\n";
        Files.writeString(dir.resolve("config.toml"), config);
        // One namespace per fixture: tests of several classes (and engineers) can share a host.
        ContainerdFixture f = new ContainerdFixture(dir, launch(dir), "jnerd-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100000);
        f.awaitReady();
        return f;
    }

    private static Process launch(Path dir) throws IOException {
        return new ProcessBuilder(CONTAINERD.toString(), "--config", dir.resolve("config.toml").toString(),
                "--log-level", "warn")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("containerd.log").toFile()))
                .start();
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            if (!process.isAlive()) {
                String log = Files.readString(dir.resolve("containerd.log"), StandardCharsets.UTF_8);
                close();
                throw new IOException("containerd exited at start: " + log);
            }
            if (Files.exists(socket())) {
                try (Containerd c = connect()) {
                    return;
                } catch (ContainerdUnavailableException e) {
                    // not listening yet
                }
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IOException("containerd did not come up in 20 s; log in " + dir);
            }
            Thread.sleep(50);
        }
    }

    /**
     * Stops containerd (SIGTERM: shims and their tasks stay, as in an upgrade), runs
     * {@code whileDown}, and starts it again on the same root, state and socket.
     */
    public void restart(Runnable whileDown) throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        whileDown.run();
        process = launch(dir);
        awaitReady();
    }

    public Path socket() {
        return dir.resolve("containerd.sock");
    }

    public String namespace() {
        return namespace;
    }

    public Path dir() {
        return dir;
    }

    public Containerd connect() throws ContainerdUnavailableException {
        return Containerd.connect(socket(), namespace);
    }

    /** The environment a jnerd command needs to use this containerd and a state dir of its own. */
    public Map<String, String> env(Path stateDir) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
        env.put("CONTAINERD_ADDRESS", socket().toString());
        env.put("CONTAINERD_NAMESPACE", namespace);
        env.put("JNERD_STATE_DIR", stateDir.toString());
        return env;
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            removeDirectory();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping containerd; " + dir + " is left", e);
        }
    }

    private void removeDirectory() throws IOException, InterruptedException {
        // Shims outlive containerd by design; a test that leaves a running task is itself failing,
        // but its shim must not keep the directory busy: unmount what is left, then remove.
        new ProcessBuilder("sh", "-c", "grep -o ' " + dir + "[^ ]*' /proc/self/mounts | sort -r | xargs -r -n1 umount -l; rm -rf " + dir)
                .inheritIO().start().waitFor(30, TimeUnit.SECONDS);
    }
}
