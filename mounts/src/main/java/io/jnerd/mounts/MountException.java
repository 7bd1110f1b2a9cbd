package io.jnerd.mounts;

import java.io.IOException;

/** A mount jnerd could not make: a one-line message saying what and why, the syscall error as cause. */
public class MountException extends IOException {

    private static final long serialVersionUID = 1L;

    public MountException(String message) {
        super(message);
    }

    public MountException(String message, Throwable cause) {
        super(message, cause);
    }
}
