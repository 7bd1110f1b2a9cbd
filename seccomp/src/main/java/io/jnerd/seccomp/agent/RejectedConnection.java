package io.jnerd.seccomp.agent;

/** Why one connection to the agent socket gave no usable listener; logged in one line. */
final class RejectedConnection extends Exception {

    private static final long serialVersionUID = 1L;

    RejectedConnection(String reason) {
        super(reason, null, false, false);
    }
}
