package io.jnerd.seccomp.profile;

/** A seccomp profile that cannot be read or used; the message is one line naming what is wrong. */
public class InvalidProfileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidProfileException(String message) {
        super(message);
    }

    public InvalidProfileException(String message, Throwable cause) {
        super(message, cause);
    }
}
