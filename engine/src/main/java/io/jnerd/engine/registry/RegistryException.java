package io.jnerd.engine.registry;

import java.io.IOException;

/** A registry answered with an error, or could not be reached; the message is one line. */
public final class RegistryException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public RegistryException(String message) {
        this(0, message, null);
    }

    public RegistryException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status, or 0 when no response came. */
    public int status() {
        return status;
    }
}
