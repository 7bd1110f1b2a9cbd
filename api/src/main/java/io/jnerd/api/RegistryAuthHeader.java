package io.jnerd.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.jnerd.engine.registry.Credentials;
import java.io.IOException;
import java.util.Base64;
import java.util.Optional;

/**
 * moby's {@code X-Registry-Auth}: base64url (padded or not) of a JSON AuthConfig; the docker
 * CLI sends {@code {}} or the user's login for the registry. An identity token stands for a
 * password.
 */
final class RegistryAuthHeader {

    private RegistryAuthHeader() {}

    /** Empty when the header is absent or names nobody; a header that is not base64 JSON is refused. */
    static Optional<Credentials> credentials(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        JsonNode auth;
        try {
            String unpadded = header.trim().replace('+', '-').replace('/', '_').replaceAll("=+$", "");
            auth = Responses.mapper().readTree(Base64.getUrlDecoder().decode(unpadded));
        } catch (IllegalArgumentException | IOException e) {
            throw new IllegalArgumentException("X-Registry-Auth is not base64-encoded JSON");
        }
        if (auth == null || !auth.isObject()) {
            throw new IllegalArgumentException("X-Registry-Auth is not a JSON object");
        }
        String user = auth.path("username").asText("");
        String secret = auth.path("identitytoken").asText("");
        if (secret.isEmpty()) {
            secret = auth.path("password").asText("");
        }
        return user.isEmpty() && secret.isEmpty() ? Optional.empty() : Optional.of(new Credentials(user, secret));
    }
}
