package io.jnerd.engine.registry;

import io.jnerd.engine.image.ImageRef;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code login} and {@code logout} as docker does them: the server named as docker names it
 * (no argument or any of Docker Hub's names is Docker Hub; a scheme or path is dropped),
 * credentials checked against the registry's {@code /v2/} before anything is saved, and
 * saved where {@link DockerConfig} reads them (credential helper, else config.json).
 */
public final class RegistryLogin {
    /** What a login saved, for the front door to tell the user. */
    public record Saved(String server, Optional<String> helper, java.nio.file.Path file) {}

    private RegistryLogin() {}

    /** The registry domain a login argument names ({@code docker.io} when there is none). */
    public static String domain(String server) {
        if (server == null || server.isBlank()) {
            return ImageRef.DOCKER_HUB;
        }
        String d = DockerConfig.serverName(server.strip().toLowerCase(Locale.ROOT));
        if (d.isEmpty()) {
            throw new IllegalArgumentException("invalid registry address: " + server);
        }
        return d;
    }

    /** The name docker prints and stores for {@code domain} (Docker Hub's legacy URL). */
    public static String serverKey(String domain) {
        return DockerConfig.serverKey(domain);
    }

    /** Checks {@code credentials} against the registry, then saves them; nothing is saved when the check fails. */
    public static Saved login(String domain, Credentials credentials, List<String> insecure, Map<String, String> env)
            throws IOException {
        DockerConfig config = DockerConfig.load(env);
        RegistryClient.open(RegistryEndpoint.of(domain, insecure), "", Optional.of(credentials)).checkLogin();
        config.store(domain, credentials);
        return new Saved(serverKey(domain), config.helperFor(domain), config.file());
    }

    public static void logout(String domain, Map<String, String> env) throws RegistryException {
        DockerConfig.load(env).erase(domain);
    }
}
