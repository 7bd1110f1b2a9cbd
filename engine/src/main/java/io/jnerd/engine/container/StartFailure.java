package io.jnerd.engine.container;

import io.grpc.StatusRuntimeException;
import io.jnerd.engine.ContainerdErrors;
import io.jnerd.engine.ExitCodes;
import io.jnerd.engine.JnerdException;
import java.util.Locale;

/** docker's exit codes for a container command that could not be started, from runc's error text. */
public final class StartFailure {
    private StartFailure() {}

    /** 127 for "not found", 126 for "cannot invoke", else 125. */
    public static int exitCode(String runtimeError) {
        String m = runtimeError == null ? "" : runtimeError.toLowerCase(Locale.ROOT);
        if (m.contains("executable file not found") || m.contains("no such file or directory")) {
            return ExitCodes.NOT_FOUND;
        }
        if (m.contains("permission denied") || m.contains("exec format error") || m.contains("is a directory")) {
            return ExitCodes.CANNOT_INVOKE;
        }
        return ExitCodes.JNERD_ERROR;
    }

    /** containerd's refusal to create or start a process, as one line with that exit code. */
    static JnerdException of(StatusRuntimeException e) {
        return new JnerdException(exitCode(e.getStatus().getDescription()), ContainerdErrors.describe(e), e);
    }
}
