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

    private ContainerSocket(Fd copy, NotificationContext ctx, int fd, SocketKind kind) {
        this.copy = copy;
        this.ctx = ctx;
        this.fd = fd;
        this.kind = kind;
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
            SocketKind kind = new SocketKind(
                    Sockets.getIntOption(copy, Sockets.SOL_SOCKET, Sockets.SO_DOMAIN),
                    Sockets.getIntOption(copy, Sockets.SOL_SOCKET, Sockets.SO_TYPE),
                    Sockets.getIntOption(copy, Sockets.SOL_SOCKET, Sockets.SO_PROTOCOL));
            return new ContainerSocket(copy, ctx, fd, kind);
        } catch (SyscallException e) {
            copy.close();
            if (e.is(io.jnerd.nativebindings.Errno.ENOTSOCK)) {
                return null;
            }
            throw e;
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

    /** getsockname: the wildcard address and port 0 when unbound. */
    SockAddr localAddress() throws SyscallException {
        return Sockets.localAddress(copy);
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
