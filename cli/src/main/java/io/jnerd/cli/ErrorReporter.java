package io.jnerd.cli;

import io.grpc.StatusRuntimeException;
import io.jnerd.engine.ContainerdErrors;
import io.jnerd.engine.ExitCodes;
import io.jnerd.engine.JnerdException;
import io.jnerd.proto.ContainerdUnavailableException;
import java.io.IOException;
import picocli.CommandLine;

/**
 * Turns whatever a command threw into one line on stderr and docker's exit code; the stack
 * trace only with {@code --debug}.
 */
public final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    private final boolean debug;

    ErrorReporter(boolean debug) {
        this.debug = debug;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        java.io.PrintWriter err = cmd.getErr();
        err.println("jnerd: " + describe(e));
        if (debug) {
            e.printStackTrace(err);
        }
        return e instanceof JnerdException ? ((JnerdException) e).exitCode() : ExitCodes.JNERD_ERROR;
    }

    /** One line for an error, as the user sees it. */
    public static String describe(Throwable e) {
        if (e instanceof JnerdException || e instanceof ContainerdUnavailableException) {
            return e.getMessage();
        }
        if (e instanceof StatusRuntimeException) {
            return ContainerdErrors.describe((StatusRuntimeException) e);
        }
        if (e instanceof java.io.UncheckedIOException) {
            return e.getMessage() + ": " + describe(e.getCause());
        }
        if ((e instanceof IOException || e instanceof IllegalArgumentException) && e.getMessage() != null) {
            return e.getMessage();
        }
        return e.toString();
    }
}
