package io.jnerd.cli.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's docker-registry (distribution v2) on 127.0.0.1 with a temp config and storage,
 * plain HTTP; images are pushed into it with skopeo. {@link #close()} stops it.
 */
public final class RegistryFixture implements AutoCloseable {
    public static final Path REGISTRY = Path.of("/usr/bin/docker-registry");
    public static final Path SKOPEO = Path.of("/usr/bin/skopeo");

    private final Path dir;
    private final int port;
    private final Process process;

    private RegistryFixture(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static RegistryFixture start(Path dir) throws IOException, InterruptedException {
        return start(dir, "");
    }

    /** With {@code extraConfig} appended to the registry's config.yml (e.g. an auth section). */
    public static RegistryFixture start(Path dir, String extraConfig) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(REGISTRY), "needs " + REGISTRY + " (apt-get install docker-registry)");
        assumeTrue(Files.isExecutable(SKOPEO), "needs " + SKOPEO + " (apt-get install skopeo)");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("config.yml"), "version: 0.1\n"
                + "log:\n  level: warn\n"
                + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data") + "\n"
                + "http:\n  addr: 127.0.0.1:" + port + "\n" + extraConfig);
        Process p = new ProcessBuilder(REGISTRY.toString(), "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        RegistryFixture r = new RegistryFixture(dir, port, p);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://" + r.host() + "/v2/").toURL().openConnection();
                // 401: up, and asking for a token.
                if (c.getResponseCode() == 200 || c.getResponseCode() == 401) {
                    return r;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                r.close();
                throw new IOException("docker-registry did not start: " + Files.readString(dir.resolve("registry.log")));
            }
            Thread.sleep(50);
        }
    }

    /** {@code 127.0.0.1:PORT} */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** Where the registry keeps blob {@code digest} on disk (distribution's filesystem layout). */
    public Path blobData(String digest) {
        String hex = digest.substring("sha256:".length());
        return dir.resolve("data/docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
    }

    /** Pushes an OCI archive as {@code repo:tag} (all platforms of an index). */
    public void push(Path ociArchive, String repoAndTag) throws IOException, InterruptedException {
        push(ociArchive, repoAndTag, null);
    }

    /** Pushes with {@code user:password} for registries that ask for them. */
    public void push(Path ociArchive, String repoAndTag, String creds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(SKOPEO.toString(), "copy", "--all", "--dest-tls-verify=false"));
        if (creds != null) {
            cmd.add("--dest-creds=" + creds);
        }
        cmd.add("oci-archive:" + ociArchive);
        cmd.add("docker://" + host() + "/" + repoAndTag);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, p.waitFor(60, TimeUnit.SECONDS), "skopeo finished");
        assertEquals(0, p.exitValue(), "skopeo copy: " + out);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
