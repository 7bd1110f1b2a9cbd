package io.jnerd.cli.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Debian's docker-registry (distribution 2.8) on 127.0.0.1 with its config and storage in a
 * directory of the test's: open, behind a {@link TokenServer}, or behind basic auth. It cannot listen on port 0,
 * so a free port is picked first and the start is retried should another process take it
 * meanwhile. Images get into it with jnerd's own push, or with skopeo ({@link #push}).
 */
public final class RegistryFixture implements AutoCloseable {
    public static final Path REGISTRY = Path.of("/usr/bin/docker-registry");
    public static final Path SKOPEO = Path.of("/usr/bin/skopeo");

    private final Path dir;
    private final Process process;
    private final int port;

    private RegistryFixture(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    public static RegistryFixture start(Path dir) throws IOException, InterruptedException {
        return launch(dir, "");
    }

    /** A registry behind token auth: it trusts the tokens {@code auth} signs. */
    public static RegistryFixture start(Path dir, TokenServer auth) throws IOException, InterruptedException {
        Path bundle = dir.resolve("token-root.pem");
        Files.createDirectories(dir);
        Files.writeString(bundle, auth.certificatePem());
        return launch(dir, "auth:\n  token:\n"
                + "    realm: " + auth.realm() + "\n"
                + "    service: " + TokenServer.SERVICE + "\n"
                + "    issuer: " + TokenServer.ISSUER + "\n"
                + "    rootcertbundle: " + bundle + "\n");
    }

    /** A registry behind basic auth: {@code user}:{@code password} in an htpasswd file (bcrypt, as distribution wants). */
    public static RegistryFixture startWithBasicAuth(Path dir, String user, String password)
            throws IOException, InterruptedException {
        byte[] salt = new byte[16];
        new java.security.SecureRandom().nextBytes(salt);
        Path htpasswd = dir.resolve("htpasswd");
        Files.createDirectories(dir);
        Files.writeString(htpasswd, user + ":" + OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 6) + "\n");
        return launch(dir, "auth:\n  htpasswd:\n    realm: jnerd-test\n    path: " + htpasswd + "\n");
    }

    private static RegistryFixture launch(Path dir, String authConfig) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(REGISTRY), "needs " + REGISTRY + " (apt-get install docker-registry)");
        Files.createDirectories(dir.resolve("data"));
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Path config = dir.resolve("config.yml");
            Files.writeString(config, config(dir, port) + authConfig);
            Process p = new ProcessBuilder(REGISTRY.toString(), "serve", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
            RegistryFixture f = new RegistryFixture(dir, p, port);
            if (f.awaitReady()) {
                return f;
            }
            f.close();
        }
        throw new IOException("docker-registry did not start: "
                + Files.readString(dir.resolve("registry.log"), StandardCharsets.UTF_8));
    }

    private static String config(Path dir, int port) {
        return "version: 0.1\n"
                + "log:\n  level: warn\n"
                + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data") + "\n"
                + "  delete:\n    enabled: true\n"
                + "http:\n  addr: 127.0.0.1:" + port + "\n";
    }

    private boolean awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://" + host() + "/v2/").toURL().openConnection();
                c.setConnectTimeout(500);
                int code = c.getResponseCode();
                c.disconnect();
                if (code == 200 || code == 401) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@code 127.0.0.1:PORT}, the registry part of image names. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** Where the registry keeps blob {@code digest} on disk (distribution's filesystem layout). */
    public Path blobData(String digest) {
        String hex = digest.substring("sha256:".length());
        return dir.resolve("data/docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
    }

    /** Pushes an OCI archive as {@code repo:tag} with skopeo (all platforms of an index). */
    public void push(Path ociArchive, String repoAndTag) throws IOException, InterruptedException {
        push(ociArchive, repoAndTag, null);
    }

    /** The same, with {@code user:password} for registries that ask for them. */
    public void push(Path ociArchive, String repoAndTag, String creds) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(SKOPEO), "needs " + SKOPEO + " (apt-get install skopeo)");
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
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
