package io.jnerd.cli.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's docker-registry (distribution 2.8) on 127.0.0.1 with its storage in a temp dir,
 * open or behind a {@link TokenServer}. It cannot listen on port 0, so a free port is picked
 * first and the start is retried should another process take it meanwhile.
 */
public final class RegistryFixture implements AutoCloseable {
    public static final Path REGISTRY = Path.of("/usr/bin/docker-registry");

    private final Path dir;
    private final Process process;
    private final int port;

    private RegistryFixture(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    public static RegistryFixture start() throws IOException, InterruptedException {
        return start(null);
    }

    /** @param auth the token server the registry trusts, or null for an open registry */
    public static RegistryFixture start(TokenServer auth) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(REGISTRY), "needs " + REGISTRY + " (apt-get install docker-registry)");
        Path dir = Files.createTempDirectory("jnerd-registry-");
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Path config = dir.resolve("config.yml");
            Files.writeString(config, config(dir.resolve("storage"), port, auth, dir));
            Process p = new ProcessBuilder(REGISTRY.toString(), "serve", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
            RegistryFixture f = new RegistryFixture(dir, p, port);
            if (f.awaitReady()) {
                return f;
            }
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        String log = Files.readString(dir.resolve("registry.log"), StandardCharsets.UTF_8);
        delete(dir);
        throw new IOException("docker-registry did not start: " + log);
    }

    private static String config(Path storage, int port, TokenServer auth, Path dir) throws IOException {
        StringBuilder c = new StringBuilder()
                .append("version: 0.1\n")
                .append("log:\n  level: warn\n")
                .append("storage:\n  filesystem:\n    rootdirectory: ").append(storage).append('\n')
                .append("  delete:\n    enabled: true\n")
                .append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
        if (auth != null) {
            Path bundle = dir.resolve("token-root.pem");
            Files.writeString(bundle, auth.certificatePem());
            c.append("auth:\n  token:\n")
                    .append("    realm: ").append(auth.realm()).append('\n')
                    .append("    service: ").append(TokenServer.SERVICE).append('\n')
                    .append("    issuer: ").append(TokenServer.ISSUER).append('\n')
                    .append("    rootcertbundle: ").append(bundle).append('\n');
        }
        return c.toString();
    }

    private boolean awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
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

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@code 127.0.0.1:PORT}, the registry part of image names. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        delete(dir);
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
