package io.jnerd.engine.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A user name and secret (password or token) for a registry. */
public final class Credentials {
    private final String username;
    private final String secret;

    public Credentials(String username, String secret) {
        this.username = username;
        this.secret = secret;
    }

    public String username() {
        return username;
    }

    /** docker login stores an OAuth2 refresh token ("identity token") under this user name. */
    static final String IDENTITY_TOKEN_USER = "<token>";

    boolean isIdentityToken() {
        return IDENTITY_TOKEN_USER.equals(username);
    }

    String secret() {
        return secret;
    }

    /** The value of an {@code Authorization: Basic} header. */
    String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return username + ":***";
    }
}
