package io.jnerd.engine;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** containerd's gRPC errors, worded for one line. */
public final class ContainerdErrors {
    private ContainerdErrors() {}

    public static String describe(StatusRuntimeException e) {
        Status s = e.getStatus();
        String what = s.getDescription() == null ? s.getCode().name() : s.getDescription();
        return "containerd: " + what + " (" + s.getCode().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    public static boolean isNotFound(StatusRuntimeException e) {
        return e.getStatus().getCode() == Status.Code.NOT_FOUND;
    }

    public static boolean isAlreadyExists(StatusRuntimeException e) {
        return e.getStatus().getCode() == Status.Code.ALREADY_EXISTS;
    }
}
