package io.jnerd.cli.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jnerd.cli.image.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Registry credentials from docker's config.json ($DOCKER_CONFIG/config.json or
 * ~/.docker/config.json): {@code credHelpers} per registry, else {@code credsStore},
 * else the base64 {@code auths.<host>.auth}. Helpers are docker-credential-NAME programs
 * that read the server on stdin and print {"Username":…,"Secret":…}.
 */
public final class Credentials {
    /** A user name and password or token. */
    public static final class Login {
        final String user;
        final String secret;

        Login(String user, String secret) {
            this.user = user;
            this.secret = secret;
        }

        String basic() {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
        }
    }

    private final JsonNode config;

    private Credentials(JsonNode config) {
        this.config = config;
    }

    public static Credentials none() {
        return new Credentials(Json.object());
    }

    public static Credentials fromEnvironment(Map<String, String> env) throws IOException {
        String dir = env.get("DOCKER_CONFIG");
        Path file = dir != null ? Path.of(dir, "config.json")
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker", "config.json");
        if (!Files.isRegularFile(file)) {
            return none();
        }
        return new Credentials(Json.parse(Files.readAllBytes(file), file.toString()));
    }

    /** Docker Hub's credentials are stored under its old index URL. */
    private static String key(String host) {
        return host.equals("docker.io") ? "https://index.docker.io/v1/" : host;
    }

    Optional<Login> lookup(String host) throws IOException {
        String helper = config.path("credHelpers").path(host).asText(null);
        if (helper == null) {
            helper = config.path("credsStore").asText(null);
        }
        if (helper != null) {
            return helper(helper, key(host));
        }
        JsonNode entry = config.path("auths").path(key(host));
        if (entry.isMissingNode()) {
            entry = config.path("auths").path("https://" + host);
        }
        String auth = entry.path("auth").asText("");
        if (auth.isEmpty()) {
            return Optional.empty();
        }
        String decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new IOException("credentials for " + host + " in docker's config.json are not user:password");
        }
        return Optional.of(new Login(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }

    private static Optional<Login> helper(String name, String server) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder("docker-credential-" + name, "get").start();
        } catch (IOException e) {
            throw new IOException("credential helper docker-credential-" + name + " is configured but cannot run: " + e.getMessage(), e);
        }
        try (OutputStream in = p.getOutputStream()) {
            in.write(server.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("docker-credential-" + name + " did not answer in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for docker-credential-" + name, e);
        }
        if (p.exitValue() != 0) {
            return Optional.empty(); // "credentials not found in native keychain"
        }
        JsonNode n = Json.parse(out, "docker-credential-" + name + " output");
        return Optional.of(new Login(n.path("Username").asText(), n.path("Secret").asText()));
    }
}
