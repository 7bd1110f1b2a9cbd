package io.jnerd.engine.rootless;

/** A rootless set-up problem, with a message that says what to do about it. */
public final class RootlessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RootlessException(String message) {
        super(message);
    }
}
