package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Capabilities;
import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import java.io.IOException;

/**
 * A bind that stays in the container (no published port), performed by the agent on the
 * pinned container socket with the address it read. Answering CONTINUE instead would let
 * the kernel look the fd and the sockaddr up again after the check: a container thread
 * could dup2 a host socket (one whose switched connect failed is unbound again) onto the
 * fd and so bind, and then listen, in the host's namespace, on the host's 127.0.0.1.
 *
 * <p>The pinned socket's namespace is the container's, so the bind lands where the
 * container's own would have. One thing differs: the kernel checks CAP_NET_BIND_SERVICE
 * of the caller, here the agent. So a port below 1024 is bound only for a thread whose
 * effective set has that capability; one without gets EACCES, the kernel's answer with
 * net.ipv4.ip_unprivileged_port_start at its default (the agent cannot read the
 * container's value: /proc/sys shows the reader's network namespace).
 */
final class ContainerBind {

    private static final int PRIVILEGED_PORTS_BELOW = 1024;

    private ContainerBind() {}

    /** @return 0 or the errno bind gave (EADDRINUSE, EINVAL, ...) */
    static int bind(ContainerSocket sock, Destination address, int tid) throws IOException {
        if (address.sockAddr() == null) {
            // Too short for its family (EINVAL) or not the socket's family; the kernel's
            // AF_UNSPEC-with-INADDR_ANY leniency for AF_INET is not kept.
            return address.family() == sock.kind().family() ? Errno.EINVAL : Errno.EAFNOSUPPORT;
        }
        int port = address.sockAddr().isInet() ? address.sockAddr().port() : 0;
        if (port > 0 && port < PRIVILEGED_PORTS_BELOW && !mayBindPrivilegedPorts(tid)) {
            return Errno.EACCES;
        }
        try {
            Sockets.bind(sock.copy(), address.sockAddr());
            return 0;
        } catch (SyscallException e) {
            return e.errno();
        }
    }

    /** CAP_NET_BIND_SERVICE in the thread's effective set (/proc/TID/status, CapEff). */
    static boolean mayBindPrivilegedPorts(int tid) throws IOException {
        return TargetCredentials.of(tid).hasCapability(Capabilities.CAP_NET_BIND_SERVICE);
    }
}
