package io.jnerd.netns.bypassd;

import io.jnerd.netns.IpLiteral;
import io.jnerd.netns.PortMapping;
import io.jnerd.netns.Protocol;
import io.jnerd.netns.bypass.BindRules;
import io.jnerd.seccomp.ContainerState;
import java.util.ArrayList;
import java.util.List;

/**
 * What a bypass needs to be taken over by a restarted bypassd, as persisted
 * ({@link BypassStateFiles}): the spec it was started with (read back through the API's
 * own checks); per container it serves, the name its listener is kept under
 * ({@link ListenerStore}) with the container state runc sent (whose bundle gives the
 * container's filter again, {@code GuardedCalls}); and the host sockets its containers bound
 * for published ports ({@link BindRules}), without which a restarted daemon would neither map
 * a container's connect to its own published port nor let such a socket listen. The
 * container's subnets are learnt again from its network namespace at the first notification
 * after the restart.
 */
record BypassState(BypassSpec spec, List<Listener> listeners, List<Bound> bound) {

    BypassState {
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
        bound = bound == null ? List.of() : List.copyOf(bound);
    }

    BypassState(BypassSpec spec, List<Listener> listeners) {
        this(spec, listeners, List.of());
    }

    /** One container's listener: its name in the store and what runc said with it. */
    record Listener(String fd, ContainerState container) {}

    /**
     * A host socket bound for a published port ({@link BindRules.BoundSocket}) as it is
     * written: the mapping (host IP null for all addresses), the socket's SO_COOKIE and inode.
     */
    record Bound(String protocol, String hostIp, int hostPort, int containerPort, long cookie, long inode) {

        static Bound of(BindRules.BoundSocket b) {
            PortMapping p = b.port();
            return new Bound(p.protocol().wireName(), p.hostIp().map(IpLiteral::format).orElse(null), p.hostPort(),
                    p.containerPort(), b.cookie(), b.inode());
        }

        /** The socket again; throws IllegalArgumentException for a protocol, address or port out of range. */
        BindRules.BoundSocket socket() {
            PortMapping p = new PortMapping(hostIp == null ? null : IpLiteral.parse(hostIp), hostPort, containerPort,
                    Protocol.parse(protocol));
            return new BindRules.BoundSocket(p, cookie, inode);
        }
    }

    BypassState with(Listener added) {
        List<Listener> all = new ArrayList<>(listeners);
        all.add(added);
        return new BypassState(spec, all, bound);
    }

    BypassState without(String fd) {
        return new BypassState(spec, listeners.stream().filter(l -> !l.fd().equals(fd)).toList(), bound);
    }

    BypassState withBound(List<BindRules.BoundSocket> sockets) {
        return new BypassState(spec, listeners, sockets.stream().map(Bound::of).toList());
    }

    List<BindRules.BoundSocket> boundSockets() {
        return bound.stream().map(Bound::socket).toList();
    }
}
