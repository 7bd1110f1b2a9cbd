package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.OpenFlags;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import io.jnerd.seccomp.notify.NotificationContext;
import java.io.IOException;

/**
 * The container's socket, fetched with pidfd_getfd (Linux 5.6): our copy shares the open
 * file with the container, so its status flags (O_NONBLOCK), its options and its network
 * namespace are the container's. Holding the copy pins the socket the decision is about:
 * whatever the container does to its fd table meanwhile, the agent acts on this one.
 */
final class ContainerSocket implements AutoCloseable {

    private final Fd copy;
    private final NotificationContext ctx;
    private final int fd;
    private final SocketKind kind;
    /** getsockname at fetch time, or null when it could not be decoded there. */
    private final SockAddr local;

    private ContainerSocket(Fd copy, NotificationContext ctx, int fd, SocketKind kind, SockAddr local) {
        this.copy = copy;
        this.ctx = ctx;
        this.fd = fd;
        this.kind = kind;
        this.local = local;
    }

    /**
     * Fetches the notified thread's fd {@code fd} (a copy checked against the notification,
     * so it cannot come from a process that took over a recycled pid).
     *
     * @return null when it is not a socket (ENOTSOCK from SO_DOMAIN): nothing to decide
     */
    static ContainerSocket fetch(NotificationContext ctx, int fd) throws IOException {
        Fd copy = ctx.targetFd(fd);
        try {
            // getsockname first: the family it reports is SO_DOMAIN's (the families it
            // decodes fill in their own), and a connect needs the local address anyway, so
            // a switched connect makes one getsockopt fewer. ENOTSOCK says "no socket".
            SockAddr local = decodedLocalAddress(copy);
            int family = local != null ? local.family() : Sockets.getIntOption(copy, Sockets.SOL_SOCKET, Sockets.SO_DOMAIN);
            SocketKind kind = new SocketKind(family,
                    Sockets.getIntOption(copy, Sockets.SOL_SOCKET, Sockets.SO_TYPE),
                    Sockets.getIntOption(copy, Sockets.SOL_SOCKET, Sockets.SO_PROTOCOL));
            return new ContainerSocket(copy, ctx, fd, kind, local);
        } catch (SyscallException e) {
            copy.close();
            if (e.is(io.jnerd.nativebindings.Errno.ENOTSOCK)) {
                return null;
            }
            throw e;
        }
    }

    /**
     * getsockname, or null when the family has none (AF_ALG: EOPNOTSUPP) or one jnerd does not
     * decode (netlink, packet, ...): those read SO_DOMAIN instead.
     *
     * @throws SyscallException ENOTSOCK, and what else the fd makes getsockname fail with
     */
    private static SockAddr decodedLocalAddress(Fd copy) throws SyscallException {
        try {
            return Sockets.localAddress(copy);
        } catch (SyscallException e) {
            if (e.is(io.jnerd.nativebindings.Errno.ENOTSOCK)) {
                throw e;
            }
            return null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The agent's copy (same open file as the container's fd). */
    Fd copy() {
        return copy;
    }

    /** The fd number in the container. */
    int fd() {
        return fd;
    }

    SocketKind kind() {
        return kind;
    }

    /** File status flags (F_GETFL): shared with the container through the open file. */
    int statusFlags() throws SyscallException {
        return Sockets.fileStatusFlags(copy);
    }

    boolean isNonBlocking() throws SyscallException {
        return (statusFlags() & OpenFlags.O_NONBLOCK) != 0;
    }

    /** Whether the container's fd (not our copy) is close-on-exec. */
    boolean isCloseOnExec() throws IOException {
        return ctx.isCloseOnExec(fd);
    }

    /** getsockname when the socket was fetched: the wildcard address and port 0 when unbound. */
    SockAddr localAddress() throws SyscallException {
        return local != null ? local : Sockets.localAddress(copy);
    }

    /** Whether this socket lives in the agent's network namespace: one the bypass put there. */
    boolean isHostSocket() throws SyscallException {
        return Sockets.netnsCookie(copy) == HostNetns.agentCookie();
    }

    @Override
    public void close() {
        copy.close();
    }

    @Override
    public String toString() {
        return "fd " + fd + " of pid " + ctx.pid() + " (" + kind + ")";
    }
}
