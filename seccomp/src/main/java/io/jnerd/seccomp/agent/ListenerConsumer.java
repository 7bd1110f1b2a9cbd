package io.jnerd.seccomp.agent;

import io.jnerd.nativebindings.Fd;
import io.jnerd.seccomp.ContainerState;

/**
 * Takes a container's seccomp listener from the agent socket, typically
 * {@code (state, fd) -> supervisor.supervise(state, fd)}. Ownership of the fd passes with the
 * call; if the consumer throws, the server closes it.
 */
@FunctionalInterface
public interface ListenerConsumer {
    void accept(ContainerState state, Fd listener) throws Exception;
}
