package io.jnerd.cli.registry;

import java.io.IOException;

/** A registry answered with an error (or not at all); the message names the URL and the status. */
public final class RegistryException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    RegistryException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, 0 when there was no answer. */
    public int status() {
        return status;
    }
}
