package io.jnerd.mounts;

/** A {@code -v} or {@code --mount} value jnerd does not accept; the message is one line naming the bad part. */
public class InvalidMountOptionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidMountOptionException(String message) {
        super(message);
    }
}
