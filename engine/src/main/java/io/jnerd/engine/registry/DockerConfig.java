package io.jnerd.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jnerd.engine.image.ImageRef;
import io.jnerd.engine.image.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Registry credentials as the docker CLI stores them in {@code config.json}
 * ({@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}): per-registry
 * {@code credHelpers}, else the global {@code credsStore}, else {@code auths} with an
 * {@code identitytoken} or a base64 {@code user:password}. Helpers are {@code docker-credential-NAME get}, fed the server on stdin.
 */
public final class DockerConfig {
    /** The key docker uses for Docker Hub in config.json and with credential helpers. */
    static final String DOCKER_HUB_SERVER = "https://index.docker.io/v1/";

    private final JsonNode config;
    private final Path file;
    private final Map<String, String> env;

    private DockerConfig(JsonNode config, Path file, Map<String, String> env) {
        this.config = config;
        this.file = file;
        this.env = env;
    }

    /** Reads the config named by the environment; a missing file is an empty config. */
    public static DockerConfig load(Map<String, String> env) throws RegistryException {
        String dir = env.get("DOCKER_CONFIG");
        Path file = dir != null && !dir.isBlank() ? Path.of(dir, "config.json")
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker", "config.json");
        if (!Files.isRegularFile(file)) {
            return new DockerConfig(Json.object(), file, env);
        }
        try {
            return new DockerConfig(Json.parse(Files.readAllBytes(file), file.toString()), file, env);
        } catch (IOException | IllegalArgumentException e) {
            throw new RegistryException("cannot read " + file + ": " + e.getMessage());
        }
    }

    public Optional<Credentials> credentials(String domain) throws RegistryException {
        String server = domain.equals(ImageRef.DOCKER_HUB) ? DOCKER_HUB_SERVER : domain;
        String helper = config.path("credHelpers").path(domain).asText("");
        if (helper.isEmpty()) {
            helper = config.path("credsStore").asText("");
        }
        if (!helper.isEmpty()) {
            return fromHelper(helper, server);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = config.path("auths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!serverName(e.getKey()).equals(serverName(server))) {
                continue;
            }
            if (!e.getValue().path("identitytoken").asText("").isEmpty()) {
                return Optional.of(new Credentials(Credentials.IDENTITY_TOKEN_USER, e.getValue().path("identitytoken").asText()));
            }
            if (e.getValue().hasNonNull("auth")) {
                return Optional.of(decodeAuth(e.getKey(), e.getValue().path("auth").asText()));
            }
        }
        return Optional.empty();
    }

    /** {@code https://index.docker.io/v1/} and {@code index.docker.io} name the same server. */
    private static String serverName(String key) {
        String s = key.replaceFirst("^https?://", "");
        int slash = s.indexOf('/');
        s = slash >= 0 ? s.substring(0, slash) : s;
        return s.equals("index.docker.io") || s.equals(RegistryEndpoint.DOCKER_HUB_HOST) ? ImageRef.DOCKER_HUB : s;
    }

    private Credentials decodeAuth(String key, String auth) throws RegistryException {
        String plain;
        try {
            plain = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(file + ": auths." + key + ".auth is not base64");
        }
        int colon = plain.indexOf(':');
        if (colon < 0) {
            throw new RegistryException(file + ": auths." + key + ".auth is not user:password");
        }
        return new Credentials(plain.substring(0, colon), plain.substring(colon + 1));
    }

    /** The JVM looks programs up on its own PATH; the helper is looked up on the command's. */
    private String onPath(String program) {
        for (String dir : env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return program;
    }

    private Optional<Credentials> fromHelper(String helper, String server) throws RegistryException {
        String program = "docker-credential-" + helper;
        ProcessBuilder pb = new ProcessBuilder(onPath(program), "get");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(server.getBytes(StandardCharsets.UTF_8));
            } catch (IOException exitedEarly) {
                // A helper that fails may exit before reading its stdin; its exit status tells why.
            }
            byte[] out;
            try (InputStream o = p.getInputStream()) {
                out = o.readAllBytes();
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new RegistryException(program + " get did not answer in 30 s");
            }
            String text = new String(out, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                // Helpers say "credentials not found in native keychain" and exit 1: not an error.
                if (text.toLowerCase(java.util.Locale.ROOT).contains("credentials not found")) {
                    return Optional.empty();
                }
                throw new RegistryException(program + " get failed (exit " + p.exitValue() + "): " + text);
            }
            JsonNode answer = Json.parse(out, program + "'s answer");
            return Optional.of(new Credentials(answer.path("Username").asText(), answer.path("Secret").asText()));
        } catch (IOException e) {
            if (e instanceof RegistryException) {
                throw (RegistryException) e;
            }
            throw new RegistryException("cannot run credential helper " + program + " (named in " + file + "): "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted waiting for " + program);
        }
    }
}
