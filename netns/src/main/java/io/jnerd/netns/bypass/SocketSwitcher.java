package io.jnerd.netns.bypass;

import io.jnerd.nativebindings.Errno;
import io.jnerd.nativebindings.Fd;
import io.jnerd.nativebindings.ProcessMemory;
import io.jnerd.nativebindings.SeccompNotify;
import io.jnerd.nativebindings.SeccompNotify.Notification;
import io.jnerd.nativebindings.SockAddr;
import io.jnerd.nativebindings.Sockets;
import io.jnerd.nativebindings.SyscallException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The kernel half of the bypass for one seccomp listener: {@code connect} and {@code bind}
 * as DESIGN.md, "Socket switching", describes them.
 *
 * <p>The sockaddr is read once; the container's socket is pinned with pidfd_getfd; the
 * notification is checked with NOTIF_ID_VALID before anything is done with what was read.
 * A connect on an AF_INET/AF_INET6 socket is then always performed by the agent, never
 * CONTINUEd: switched ones on a new host socket, the others on the pinned container socket
 * (whose network namespace is the container's, whoever calls connect). So neither a
 * sockaddr rewritten by another thread nor an fd replaced by dup2 after the check can aim
 * a connect somewhere the rules did not allow.
 *
 * <p>A switched connect is answered with ADDFD (SETFD at the container's fd number,
 * O_CLOEXEC as the container's fd had it) and then a separate SEND with the connect's
 * result. ADDFD_FLAG_SEND (Linux 5.14) is not used: it makes the syscall return the
 * installed fd number, right for accept-like calls but wrong for connect and bind, which
 * return 0. A failed connect (ECONNREFUSED, ENETUNREACH, ETIMEDOUT, ...) is answered with
 * its errno and nothing is injected: the container keeps its own unconnected socket, as
 * after a failed connect without bypass. EINPROGRESS (a non-blocking socket, or a blocking
 * one whose SO_SNDTIMEO passed) injects the connecting host socket, on which the
 * container's later poll and getsockopt(SO_ERROR) then act.
 */
public final class SocketSwitcher {

    private static final Logger LOG = Logger.getLogger(SocketSwitcher.class.getName());
    /** SO_SNDTIMEO as struct timeval {tv_sec, tv_usec} of the 64-bit ABI. */
    private static final int TIMEVAL_SIZE = 16;

    private final Fd listener;
    private final ConnectRules connectRules;
    private final BindRules bindRules;
    private final ConnectWaiter waiter;
    private final BypassStats stats;

    public SocketSwitcher(Fd listener, ConnectRules connectRules, BindRules bindRules, ConnectWaiter waiter,
            BypassStats stats) {
        this.listener = listener;
        this.connectRules = connectRules;
        this.bindRules = bindRules;
        this.waiter = waiter;
        this.stats = stats;
    }

    /** connect(fd, addr, addrlen) from the target. Always answers {@code reply}, now or later. */
    public void connect(Notification n, Reply reply) {
        Target t = target(n, reply);
        if (t == null) {
            return;
        }
        ContainerSocket sock = t.socket;
        try {
            if (!sock.kind().isInet()) {
                // AF_UNIX paths resolve in the caller's mount namespace: only the kernel,
                // running the container's own call, resolves them right.
                stats.verdict(Verdict.NOT_INET);
                sock.close();
                reply.proceed();
                return;
            }
            Destination dest = t.address;
            Verdict v = connectRules.forDestination(dest);
            Destination target = dest;
            if (v == Verdict.LOOPBACK || v == Verdict.CONTAINER_SUBNET) {
                Optional<Destination> self = bindRules.selfConnect(sock.kind(), dest);
                if (self.isPresent()) {
                    target = self.get();
                    v = Verdict.SWITCH;
                }
            }
            if (sock.isHostSocket()) {
                connectSwitchedAgain(n, reply, sock, target, v);
                return;
            }
            if (v.switches()) {
                v = connectRules.forSocket(sock.kind(), target, inet(sock.localAddress()));
            }
            stats.verdict(v);
            if (v.switches()) {
                switchConnect(n, reply, sock, target);
            } else {
                connectInContainer(n, reply, sock, dest);
            }
        } catch (IOException | RuntimeException e) {
            sock.close();
            fail(n, reply, "connect", e);
        }
    }

    /** bind(fd, addr, addrlen) from the target. */
    public void bind(Notification n, Reply reply) {
        Target t = target(n, reply);
        if (t == null) {
            return;
        }
        try (ContainerSocket sock = t.socket) {
            if (!sock.kind().isInet()) {
                stats.verdict(Verdict.NOT_INET);
                reply.proceed();
                return;
            }
            if (sock.isHostSocket()) {
                // Already switched, so already connected or bound on the host: binding it
                // again fails natively with EINVAL, and the kernel must not bind it on the
                // container's behalf (the address could have been rewritten meanwhile).
                reply.error(Errno.EINVAL);
                return;
            }
            Optional<PublishedPort> port = bindRules.forBind(sock.kind(), t.address);
            if (port.isEmpty()) {
                stats.verdict(bindRules.whyNot(t.address));
                reply.proceed();
                return;
            }
            stats.verdict(Verdict.SWITCH);
            switchBind(n, reply, sock, port.get());
        } catch (IOException | RuntimeException e) {
            fail(n, reply, "bind", e);
        }
    }

    /** The pinned socket and the address, or null when {@code reply} was answered already. */
    private Target target(Notification n, Reply reply) {
        int fd = (int) n.arg(0);
        int length = (int) n.arg(2);
        if (length <= 0 || length > SockAddr.MAX_SIZE) {
            reply.error(Errno.EINVAL);
            return null;
        }
        byte[] raw = new byte[length];
        try {
            ProcessMemory.readFully(n.pid(), n.arg(1), raw, 0, length);
        } catch (IOException e) {
            reply.error(Errno.EFAULT);
            return null;
        }
        ContainerSocket sock;
        try {
            sock = ContainerSocket.fetch(n.pid(), fd);
        } catch (SyscallException e) {
            // EBADF: no such fd, what the syscall itself would say.
            reply.error(e.errno());
            return null;
        } catch (IOException e) {
            fail(n, reply, "fetch socket", e);
            return null;
        }
        if (sock == null) {
            reply.error(Errno.ENOTSOCK);
            return null;
        }
        try {
            // Checked after pidfd_open: the pid could have been reused before that.
            if (!SeccompNotify.isValid(listener, n.id())) {
                sock.close();
                return null;
            }
        } catch (SyscallException e) {
            sock.close();
            fail(n, reply, "NOTIF_ID_VALID", e);
            return null;
        }
        return new Target(sock, Destination.decode(raw));
    }

    private static final class Target {
        final ContainerSocket socket;
        final Destination address;

        Target(ContainerSocket socket, Destination address) {
            this.socket = socket;
            this.address = address;
        }
    }

    /** A new host socket like the container's, connected by the agent, injected on success. */
    private void switchConnect(Notification n, Reply reply, ContainerSocket sock, Destination target)
            throws IOException {
        int flags = sock.statusFlags();
        boolean nonBlocking = (flags & SwitchFlags.O_NONBLOCK) != 0;
        boolean closeOnExec = sock.isCloseOnExec();
        int fd = sock.fd();
        Fd host = hostSocketLike(sock);
        // From here on the host socket is all that matters; the container's is theirs.
        sock.close();
        int errno;
        try {
            errno = Sockets.tryConnect(host, target.sockAddr());
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
        if (errno == Errno.EINPROGRESS && !nonBlocking) {
            awaitThen(n, reply, host, result -> inject(n, reply, host, fd, flags, closeOnExec, result));
            return;
        }
        inject(n, reply, host, fd, flags, closeOnExec, errno);
    }

    /** Installs the connected (or connecting) host socket at the container's fd and answers. */
    private void inject(Notification n, Reply reply, Fd host, int fd, int flags, boolean closeOnExec, int errno) {
        try (host) {
            if (errno != 0 && errno != Errno.EINPROGRESS) {
                reply.error(errno);
                return;
            }
            // After ADDFD the container shares this open file, and so its status flags.
            Sockets.setFileStatusFlags(host, flags);
            if (!SeccompNotify.isValid(listener, n.id())) {
                return;
            }
            SeccompNotify.addFd(listener, n.id(), host, SeccompNotify.ADDFD_FLAG_SETFD, fd, closeOnExec);
            stats.connectSwitched();
            if (errno == 0) {
                reply.result(0);
            } else {
                reply.error(errno);
            }
        } catch (SyscallException e) {
            if (!e.is(Errno.ENOENT)) {
                fail(n, reply, "inject connected socket", e);
            }
        }
    }

    /** Not switched: the agent connects the pinned container socket, in the container's namespace. */
    private void connectInContainer(Notification n, Reply reply, ContainerSocket sock, Destination dest)
            throws IOException {
        if (dest.sockAddr() == null || !dest.sockAddr().isInet()) {
            // AF_UNSPEC (disconnect), a short or foreign sockaddr: native code has no way to
            // pass these, and on a container socket the kernel's own answer is right.
            sock.close();
            reply.proceed();
            return;
        }
        agentConnect(n, reply, sock, dest.sockAddr());
    }

    /**
     * The container's fd is a host socket already (an earlier switch). Connecting it again
     * happens in the agent, to an allowed destination only: the kernel would connect it in
     * the host's namespace, where loopback is the host's.
     */
    private void connectSwitchedAgain(Notification n, Reply reply, ContainerSocket sock, Destination target,
            Verdict v) throws IOException {
        stats.verdict(v);
        if (v == Verdict.LOOPBACK || v == Verdict.LINK_LOCAL || v == Verdict.NOT_UNICAST
                || v == Verdict.CONTAINER_SUBNET || v == Verdict.IGNORED_CIDR) {
            sock.close();
            reply.error(Errno.ENETUNREACH);
            return;
        }
        if (target.sockAddr() == null) {
            sock.close();
            reply.error(target.family() == SocketKind.AF_UNSPEC || target.family() == SocketKind.AF_UNIX
                    ? Errno.EAFNOSUPPORT : Errno.EINVAL);
            return;
        }
        agentConnect(n, reply, sock, target.sockAddr());
    }

    /** connect on the pinned socket itself (no injection), waiting off-thread if it blocks. */
    private void agentConnect(Notification n, Reply reply, ContainerSocket sock, SockAddr address)
            throws IOException {
        int flags = sock.statusFlags();
        boolean nonBlocking = (flags & SwitchFlags.O_NONBLOCK) != 0;
        Fd s = sock.copy();
        int errno;
        if (nonBlocking) {
            errno = Sockets.tryConnect(s, address);
        } else {
            // Briefly non-blocking (the flag is the container's too): the wait happens in
            // the waiter, not in a connect that holds this thread.
            Sockets.setFileStatusFlags(s, flags | SwitchFlags.O_NONBLOCK);
            try {
                errno = Sockets.tryConnect(s, address);
            } finally {
                Sockets.setFileStatusFlags(s, flags);
            }
        }
        if (errno == Errno.EINPROGRESS && !nonBlocking) {
            awaitThen(n, reply, s, result -> {
                sock.close();
                answer(reply, result);
            });
            return;
        }
        sock.close();
        answer(reply, errno);
    }

    private void awaitThen(Notification n, Reply reply, Fd socket, java.util.function.IntConsumer then)
            throws SyscallException {
        long timeout = sendTimeoutNanos(socket);
        boolean queued = waiter.await(socket, timeout, () -> stillValid(n), new ConnectWaiter.Completion() {
            @Override
            public void completed(int errno) {
                then.accept(errno);
            }

            @Override
            public void abandoned() {
                socket.close();
            }
        });
        if (!queued) {
            socket.close();
            stats.error();
            reply.error(Errno.ENOBUFS);
        }
    }

    private boolean stillValid(Notification n) {
        try {
            return SeccompNotify.isValid(listener, n.id());
        } catch (SyscallException e) {
            return false;
        }
    }

    /** A host socket bound to the mapping's host port, injected in place of the container's. */
    private void switchBind(Notification n, Reply reply, ContainerSocket sock, PublishedPort port)
            throws IOException {
        boolean closeOnExec = sock.isCloseOnExec();
        int flags = sock.statusFlags();
        try (Fd host = hostSocketLike(sock)) {
            Sockets.setFileStatusFlags(host, flags);
            try {
                Sockets.bind(host, bindRules.hostBindAddress(sock.kind().family(), port).sockAddr());
            } catch (SyscallException e) {
                // EADDRINUSE, EACCES: what the container would see had its bind failed.
                reply.error(e.errno());
                return;
            }
            if (!SeccompNotify.isValid(listener, n.id())) {
                return;
            }
            SeccompNotify.addFd(listener, n.id(), host, SeccompNotify.ADDFD_FLAG_SETFD, sock.fd(), closeOnExec);
            bindRules.markBound(port);
            stats.bindSwitched();
            reply.result(0);
        }
    }

    /** socket(2) in the agent's namespace with the container socket's kind and options. */
    private Fd hostSocketLike(ContainerSocket sock) throws SyscallException {
        SocketKind k = sock.kind();
        Fd host = Sockets.socket(k.family(), k.type() | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, k.protocol());
        List<String> notCopied = OptionCopier.copy(sock.copy(), host, k);
        if (!notCopied.isEmpty()) {
            LOG.warning(() -> "bypass: " + sock + ": options not copied: " + String.join("; ", notCopied));
        }
        return host;
    }

    private static long sendTimeoutNanos(Fd socket) throws SyscallException {
        byte[] tv = Sockets.getOption(socket, Sockets.SOL_SOCKET, Sockets.SO_SNDTIMEO, TIMEVAL_SIZE);
        if (tv.length < TIMEVAL_SIZE) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.wrap(tv).order(ByteOrder.nativeOrder());
        return b.getLong(0) * 1_000_000_000L + b.getLong(8) * 1_000L;
    }

    private static InetSocketAddress inet(SockAddr local) {
        return local.isInet() ? local.toInetSocketAddress() : null;
    }

    private static void answer(Reply reply, int errno) {
        if (errno == 0) {
            reply.result(0);
        } else {
            reply.error(errno);
        }
    }

    /** One line naming pid, syscall and errno; the target gets the errno (EIO if none). */
    private void fail(Notification n, Reply reply, String step, Exception e) {
        stats.error();
        int errno = e instanceof SyscallException ? ((SyscallException) e).errno() : Errno.EIO;
        LOG.log(Level.WARNING, "bypass: pid " + n.pid() + " " + step + ": " + e.getMessage()
                + " (answered " + Errno.name(errno) + ")", LOG.isLoggable(Level.FINE) ? e : null);
        reply.error(errno);
    }
}
