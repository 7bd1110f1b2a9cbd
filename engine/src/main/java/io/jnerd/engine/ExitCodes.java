package io.jnerd.engine;

/** docker's exit codes for failures that are not the container's own. */
public final class ExitCodes {
    /** jnerd itself failed: bad flag, missing image, containerd error. */
    public static final int JNERD_ERROR = 125;
    /** The container's command exists but cannot be invoked (permission denied). */
    public static final int CANNOT_INVOKE = 126;
    /** The container's command was not found. */
    public static final int NOT_FOUND = 127;

    private ExitCodes() {}
}
