package io.jnerd.http;

/** A request the server refuses before any handler sees it: answered with {@link #status()}, then the connection closes. */
public final class BadRequest extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    public BadRequest(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
