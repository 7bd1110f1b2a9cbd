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

    /**
     * A call's deadline ran out: gRPC's own DEADLINE_EXCEEDED, or containerd's answer when its
     * server-side context ran out first (1.6 sends UNKNOWN "context deadline exceeded").
     */
    public static boolean isDeadlineExceeded(StatusRuntimeException e) {
        Status s = e.getStatus();
        return s.getCode() == Status.Code.DEADLINE_EXCEEDED || s.getCode() == Status.Code.UNKNOWN
                && s.getDescription() != null && s.getDescription().contains("context deadline exceeded");
    }

    public static boolean isAlreadyExists(StatusRuntimeException e) {
        return e.getStatus().getCode() == Status.Code.ALREADY_EXISTS;
    }
}
