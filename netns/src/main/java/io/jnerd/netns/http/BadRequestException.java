package io.jnerd.netns.http;

/** A request that cannot be parsed; the server answers {@link #status()} and closes the connection. */
public final class BadRequestException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    public BadRequestException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
