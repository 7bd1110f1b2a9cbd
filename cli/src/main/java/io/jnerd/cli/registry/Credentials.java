package io.jnerd.cli.registry;

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

    /** The value of an {@code Authorization: Basic} header. */
    String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return username + ":***";
    }
}
