package io.jnerd.netns.bypassd;

import io.jnerd.seccomp.ContainerState;
import java.util.List;

/**
 * What a bypass needs to be taken over by a restarted bypassd, as persisted
 * ({@link BypassStateFiles}): the spec it was started with (read back through the API's
 * own checks) and, per container it serves, the name its listener is kept under
 * ({@link ListenerStore}) with the container state runc sent (whose bundle gives the
 * container's filter again, {@code GuardedCalls}). The container's subnets are learnt again
 * from its network namespace at the first notification after the restart.
 */
record BypassState(BypassSpec spec, List<Listener> listeners) {

    BypassState {
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
    }

    /** One container's listener: its name in the store and what runc said with it. */
    record Listener(String fd, ContainerState container) {}

    BypassState with(Listener added) {
        List<Listener> all = new java.util.ArrayList<>(listeners);
        all.add(added);
        return new BypassState(spec, all);
    }

    BypassState without(String fd) {
        return new BypassState(spec, listeners.stream().filter(l -> !l.fd().equals(fd)).toList());
    }
}
