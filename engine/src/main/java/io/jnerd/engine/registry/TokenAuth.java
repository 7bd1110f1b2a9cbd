package io.jnerd.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.jnerd.engine.image.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Answers a registry's 401 challenge, as docker's token protocol describes it: for
 * {@code Bearer realm=…,service=…,scope=…}, GET {@code realm?service=…&scope=…} (with basic
 * credentials when the user has some, anonymously otherwise; an identity token is POSTed as
 * an OAuth2 refresh token instead) and use the token it returns;
 * for {@code Basic}, send the credentials. The last authorization is reused until the
 * registry challenges again (another scope, e.g. push after pull).
 */
final class TokenAuth {
    private final HttpClient http;
    private final RegistryEndpoint endpoint;
    private final Optional<Credentials> credentials;
    private volatile String authorization;

    TokenAuth(HttpClient http, RegistryEndpoint endpoint, Optional<Credentials> credentials) {
        this.http = http;
        this.endpoint = endpoint;
        this.credentials = credentials;
    }

    Optional<String> authorization() {
        return Optional.ofNullable(authorization);
    }

    void answer(String header, String where) throws RegistryException {
        AuthChallenge challenge = AuthChallenge.parse(header).orElseThrow(() ->
                new RegistryException(401, where + ": unauthorized, and the registry sent no WWW-Authenticate challenge", null));
        switch (challenge.scheme()) {
            case "basic":
                authorization = credentials.orElseThrow(() -> new RegistryException(401,
                        where + ": the registry wants a user name and password" + hint(), null)).basicAuthorization();
                return;
            case "bearer":
                authorization = "Bearer " + token(challenge, where);
                return;
            default:
                throw new RegistryException(401, where + ": unsupported authentication scheme " + challenge.scheme(), null);
        }
    }

    private String token(AuthChallenge challenge, String where) throws RegistryException {
        String realm = challenge.param("realm").orElseThrow(() ->
                new RegistryException(401, where + ": bearer challenge without realm", null));
        StringBuilder query = new StringBuilder();
        challenge.param("service").ifPresent(s -> query.append("service=").append(encode(s)));
        challenge.param("scope").ifPresent(scopes -> {
            for (String scope : scopes.split(" ")) {
                query.append(query.length() > 0 ? "&" : "").append("scope=").append(encode(scope));
            }
        });
        URI uri;
        HttpRequest.Builder b;
        if (credentials.isPresent() && credentials.get().isIdentityToken()) {
            // An identity token (docker login's OAuth2 refresh token, user "<token>") is traded at
            // the realm by POST, as the docker token spec's OAuth2 section describes.
            uri = URI.create(realm);
            String form = "grant_type=refresh_token&client_id=jnerd&refresh_token="
                    + encode(credentials.get().secret()) + (query.length() == 0 ? "" : "&" + query);
            b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form));
        } else {
            uri = URI.create(realm + (query.length() == 0 ? "" : (realm.contains("?") ? "&" : "?") + query));
            b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
            credentials.ifPresent(c -> b.header("Authorization", c.basicAuthorization()));
        }
        HttpResponse<InputStream> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new RegistryException(0, "cannot reach the token server " + uri.getAuthority() + " of " + endpoint
                    + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(0, "interrupted asking for a token", e);
        }
        if (r.statusCode() != 200) {
            throw new RegistryException(r.statusCode(), "token server " + uri.getAuthority() + " refused a token for "
                    + where + ": HTTP " + r.statusCode() + RegistryErrors.describe(r) + hint(), null);
        }
        JsonNode answer;
        try (InputStream in = r.body()) {
            answer = Json.parse(in.readNBytes(1 << 20), "token server answer");
        } catch (IOException | IllegalArgumentException e) {
            throw new RegistryException(0, "token server " + uri.getAuthority() + ": unreadable answer: " + e.getMessage(), e);
        }
        String token = answer.path("token").asText(answer.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw new RegistryException(0, "token server " + uri.getAuthority() + " answered without a token", null);
        }
        return token;
    }

    /** Tells whether credentials were used, so "unauthorized" says which case it is. */
    String hint() {
        return credentials.map(c -> " (as user " + c.username() + ")")
                .orElse(" (no credentials for " + endpoint.domain() + " in the docker config)");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
