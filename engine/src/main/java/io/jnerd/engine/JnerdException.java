package io.jnerd.engine;

/** A failure to report to the user in one line, with the exit code it calls for. */
public class JnerdException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public JnerdException(String message) {
        this(ExitCodes.JNERD_ERROR, message, null);
    }

    public JnerdException(String message, Throwable cause) {
        this(ExitCodes.JNERD_ERROR, message, cause);
    }

    public JnerdException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
