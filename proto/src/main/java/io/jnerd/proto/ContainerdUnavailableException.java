package io.jnerd.proto;

import java.io.IOException;
import java.nio.file.Path;

/** containerd's socket is missing or nobody answers on it. */
public final class ContainerdUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    public ContainerdUnavailableException(Path socket, Throwable cause) {
        super("cannot connect to containerd at " + socket + ": is it running?", cause);
    }
}
