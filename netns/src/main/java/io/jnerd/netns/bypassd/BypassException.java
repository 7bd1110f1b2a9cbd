package io.jnerd.netns.bypassd;

/** A bypass request the daemon refuses, with the HTTP status to answer. */
public final class BypassException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    public BypassException(int status, String message) {
        super(message);
        this.status = status;
    }

    public BypassException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
